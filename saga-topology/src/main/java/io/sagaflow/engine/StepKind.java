package io.sagaflow.engine;

/**
 * The role a step plays in a saga's recovery. A definition lists its steps in the order
 * compensatable*, pivot?, retriable*; the builder rejects any other order, because only that order
 * lets every failure be answered either by undoing (before the pivot) or by pushing forward
 * (after).
 */
public enum StepKind {
  /**
   * Has a compensating command that semantically undoes it. When a later step before the pivot
   * fails, or the saga is cancelled, completed compensatable steps are compensated in reverse
   * order.
   */
  COMPENSATABLE,
  /**
   * The point of no return: it cannot be undone, and once it succeeds the saga can only move
   * forward. If it fails, the compensatable steps before it are compensated. At most one per saga;
   * it runs alone, never in a parallel group.
   */
  PIVOT,
  /**
   * Runs after the pivot and must eventually succeed: it is retried by its policy and never
   * compensated. If its attempts run out the saga is parked as STUCK for an operator.
   */
  RETRIABLE
}
