package io.sagaflow.engine;

/**
 * How the engine classified an input. Only APPLIED changes state; every other verdict comes with a
 * reason, and the topology counts it (and sends UNKNOWN_SAGA, UNKNOWN_STEP, AFTER_END and INVALID
 * inputs to the DLQ). The engine never drops an input silently.
 */
public enum InputVerdict {
  /** The input was applied; the decision's next state and outputs must be written. */
  APPLIED,
  /** Already applied before (a redelivered reply, a second start of the same saga): ignore. */
  DUPLICATE,
  /**
   * A reply or timer for an attempt that is no longer current (superseded or timed out): ignore.
   */
  STALE_ATTEMPT,
  /** No saga with this id exists (or its type/version is not registered): DLQ. */
  UNKNOWN_SAGA,
  /** The saga exists but its definition has no such step: DLQ. */
  UNKNOWN_STEP,
  /** The saga already ended (COMPLETED, COMPENSATED or FAILED): DLQ. */
  AFTER_END,
  /**
   * Understood but not allowed in the saga's current status (cancel after the pivot, operator
   * command on a saga that is not STUCK): answer the requester with the reason.
   */
  REFUSED,
  /** Malformed or inconsistent with the saga (wrong data type, foreign command id): DLQ. */
  INVALID
}
