package io.sagaflow.engine;

/** What an operator may ask of a STUCK saga. Refused for sagas in any other status. */
public enum OperatorAction {
  /**
   * Send the named step's failed command again as a new attempt: its action if the action failed,
   * its compensation if the compensation failed.
   */
  RETRY_STEP,
  /**
   * Give up on the named step's failed command: a failed action counts as done (the operator
   * confirmed or repaired its effect) and the saga moves on; a failed compensation counts as
   * abandoned, and the saga ends FAILED instead of COMPENSATED.
   */
  SKIP_STEP,
  /**
   * Roll back a saga that is stuck before any step after the pivot has succeeded (the pivot's
   * outcome was unknown and the operator found it did not take effect).
   */
  FORCE_COMPENSATION
}
