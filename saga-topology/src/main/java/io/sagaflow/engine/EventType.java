package io.sagaflow.engine;

/** The lifecycle events the engine emits to {@code saga.events}; one name per fact. */
public enum EventType {
  /** A saga was accepted and its first stage sent. */
  SAGA_STARTED,
  /** An action attempt was sent (first attempt, retry or operator retry). */
  STEP_STARTED,
  /** An action succeeded. */
  STEP_SUCCEEDED,
  /** An action attempt failed retriably or timed out; the next attempt is scheduled. */
  STEP_RETRY_SCHEDULED,
  /** An action failed for good (its reason says why). */
  STEP_FAILED,
  /** An operator skipped a failed action. */
  STEP_SKIPPED,
  /** A compensation attempt was sent. */
  COMPENSATION_STARTED,
  /** A compensation attempt failed retriably or timed out; the next attempt is scheduled. */
  COMPENSATION_RETRY_SCHEDULED,
  /** A compensation failed for good; the saga is parked as STUCK. */
  COMPENSATION_FAILED,
  /** An operator abandoned a failed compensation. */
  COMPENSATION_SKIPPED,
  /** A compensation succeeded: the step's effect is undone. */
  STEP_COMPENSATED,
  /** The saga began rolling back (failure before the pivot, cancel, deadline or operator). */
  SAGA_COMPENSATING,
  /** The saga was parked; an operator must act (reason attached). */
  SAGA_STUCK,
  /** An operator command took a STUCK saga back to RUNNING or COMPENSATING. */
  SAGA_RESUMED,
  /** Terminal: all steps done. */
  SAGA_COMPLETED,
  /** Terminal: rolled back completely. */
  SAGA_COMPENSATED,
  /** Terminal: rolled back partially (an operator skipped a compensation). */
  SAGA_FAILED,
  /** A named invariant did not hold after a transition (reason names it). */
  INVARIANT_VIOLATED
}
