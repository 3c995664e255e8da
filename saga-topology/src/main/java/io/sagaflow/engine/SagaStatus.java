package io.sagaflow.engine;

import java.util.EnumSet;
import java.util.Set;

/**
 * The lifecycle of one saga. Each constant lists the statuses it may move to; the engine moves a
 * saga only through {@link #checkTransitionTo}, so an illegal move is a bug report, never an
 * overwrite.
 */
public enum SagaStatus {
  /** Moving forward: actions are being sent and their replies awaited. */
  RUNNING,
  /**
   * Rolling back after a failure before the pivot, a cancel or a deadline: completed compensatable
   * steps are being undone in reverse order.
   */
  COMPENSATING,
  /** Terminal: every step succeeded (or was skipped by an operator after the pivot). */
  COMPLETED,
  /** Terminal: the saga failed or was cancelled and every completed step was compensated. */
  COMPENSATED,
  /**
   * Terminal: the saga failed and its rollback is partial, because an operator skipped at least one
   * compensation that could not be carried out. Needs reconciliation outside Sagaflow.
   */
  FAILED,
  /**
   * Parked, not terminal: the engine cannot decide alone (a compensation kept failing, a step after
   * the pivot ran out of attempts, or the pivot's outcome is unknown). The reason is in the
   * history. Operator commands resume it; replies to commands still in flight are still applied.
   */
  STUCK;

  /** True for COMPLETED, COMPENSATED and FAILED: nothing will ever change this saga again. */
  public boolean isTerminal() {
    return this == COMPLETED || this == COMPENSATED || this == FAILED;
  }

  /** The statuses this one may move to. */
  public Set<SagaStatus> successors() {
    return switch (this) {
      case RUNNING -> EnumSet.of(COMPENSATING, COMPLETED, STUCK);
      case COMPENSATING -> EnumSet.of(COMPENSATED, FAILED, STUCK);
      case STUCK -> EnumSet.of(RUNNING, COMPENSATING);
      case COMPLETED, COMPENSATED, FAILED -> EnumSet.noneOf(SagaStatus.class);
    };
  }

  /** True when moving from this status to {@code next} is legal. */
  public boolean canTransitionTo(SagaStatus next) {
    return successors().contains(next);
  }

  /**
   * Returns {@code next} when the move is legal.
   *
   * @throws IllegalStateException naming both statuses when it is not (an engine bug)
   */
  public SagaStatus checkTransitionTo(SagaStatus next) {
    if (!canTransitionTo(next)) {
      throw new IllegalStateException(
          "illegal saga transition " + this + " -> " + next + "; legal: " + successors());
    }
    return next;
  }
}
