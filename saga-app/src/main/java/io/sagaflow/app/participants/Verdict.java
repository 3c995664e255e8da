package io.sagaflow.app.participants;

/** What a simulated participant does with one command. */
public enum Verdict {
  /** Reply SUCCEEDED, with the step's typed result. */
  SUCCEED,
  /** Reply BUSINESS_FAILURE with the participant's decline code; the saga compensates. */
  BUSINESS_FAILURE,
  /** Reply RETRIABLE_FAILURE; the saga retries the step per its retry policy. */
  RETRIABLE_FAILURE,
  /** Do not reply at all; the step times out on the orchestrator's timer. */
  SILENCE
}
