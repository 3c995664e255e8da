package io.sagaflow.engine;

import java.util.EnumSet;
import java.util.Set;

/**
 * The lifecycle of one step within a saga, covering both its action and its compensation. Each
 * constant lists its legal successors; {@link StepState} refuses any other move.
 */
public enum StepStatus {
  /** Not started: no command was ever sent. Never compensated. */
  PENDING,
  /** The action for the current attempt was sent; waiting for its reply or its timeout. */
  AWAITING_REPLY,
  /** The last attempt failed retriably or timed out; a RETRY_DUE timer will send the next. */
  RETRY_SCHEDULED,
  /** The action succeeded and its reply was mapped onto the saga data. */
  SUCCEEDED,
  /**
   * The action failed for good (business failure, attempts exhausted, or abandoned during
   * compensation). If an attempt timed out the effect may still have happened, so a compensatable
   * step is then compensated anyway.
   */
  FAILED,
  /** An operator skipped the failed action; the saga continues as if it had succeeded. */
  SKIPPED,
  /** The compensation for the current compensation attempt was sent; waiting for its reply. */
  COMPENSATING,
  /** The last compensation attempt failed retriably or timed out; a retry is scheduled. */
  COMPENSATION_RETRY_SCHEDULED,
  /** The compensation succeeded: the step's effect is undone. */
  COMPENSATED,
  /** The compensation kept failing; the saga is STUCK until an operator retries or skips it. */
  COMPENSATION_FAILED,
  /** An operator gave up on the compensation; the rollback is partial and the saga ends FAILED. */
  COMPENSATION_SKIPPED;

  /** The statuses this one may move to. */
  public Set<StepStatus> successors() {
    return switch (this) {
      case PENDING -> EnumSet.of(AWAITING_REPLY);
      case AWAITING_REPLY -> EnumSet.of(SUCCEEDED, RETRY_SCHEDULED, FAILED);
      case RETRY_SCHEDULED -> EnumSet.of(AWAITING_REPLY, FAILED);
      case SUCCEEDED -> EnumSet.of(COMPENSATING);
      case FAILED -> EnumSet.of(AWAITING_REPLY, SKIPPED, COMPENSATING);
      case COMPENSATING ->
          EnumSet.of(COMPENSATED, COMPENSATION_RETRY_SCHEDULED, COMPENSATION_FAILED);
      case COMPENSATION_RETRY_SCHEDULED -> EnumSet.of(COMPENSATING);
      case COMPENSATION_FAILED -> EnumSet.of(COMPENSATING, COMPENSATION_SKIPPED);
      case SKIPPED, COMPENSATED, COMPENSATION_SKIPPED -> EnumSet.noneOf(StepStatus.class);
    };
  }

  /** True when moving from this status to {@code next} is legal. */
  public boolean canTransitionTo(StepStatus next) {
    return successors().contains(next);
  }

  /** True while a command of this step is outstanding or about to be resent. */
  public boolean isInFlight() {
    return this == AWAITING_REPLY
        || this == RETRY_SCHEDULED
        || this == COMPENSATING
        || this == COMPENSATION_RETRY_SCHEDULED;
  }
}
