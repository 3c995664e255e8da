package io.sagaflow.engine;

import java.util.Objects;

/**
 * A named invariant that did not hold for a decision's next state.
 *
 * @param name the invariant's name in the definition
 * @param message what was checked and in which state
 */
public record InvariantViolation(String name, String message) {
  /** Rejects missing parts. */
  public InvariantViolation {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(message, "message");
  }
}
