package io.sagaflow.engine;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One change of a saga's status, kept in its history so operators see why it is where it is.
 *
 * @param at the {@code now} of the decision that made the change
 * @param from the previous status; empty for the start
 * @param to the new status
 * @param cause what caused it, in words (for STUCK: the reason an operator must act)
 */
public record Transition(Instant at, Optional<SagaStatus> from, SagaStatus to, String cause) {
  /** Rejects missing parts. */
  public Transition {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(cause, "cause");
  }
}
