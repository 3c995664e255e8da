package io.sagaflow.app.participants;

/**
 * How a simulated participant answers a command wrongly on purpose, on top of its {@link Verdict}.
 * The chaos runner turns these on to show that the processor copes; {@link
 * ParticipantBehaviour#misbehaviour} says which commands may misbehave and why their sagas still
 * end as predicted.
 */
public enum Misbehaviour {
  /** Answer as the verdict says, once. */
  NONE,
  /** Write the same reply twice: the processor applies the first and counts a DUPLICATE. */
  DUPLICATE,
  /**
   * Write the reply only after the step's timeout: the attempt times out, the next one decides, and
   * the late reply is counted STALE_ATTEMPT.
   */
  LATE,
  /**
   * Write bytes that are no reply (keyed by the saga id) instead of the reply: the processor
   * dead-letters them as DESERIALIZATION_FAILED, and the attempt times out.
   */
  GARBAGE
}
