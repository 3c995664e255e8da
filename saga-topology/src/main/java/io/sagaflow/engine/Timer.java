package io.sagaflow.engine;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * A point in time at which the topology must feed a {@link SagaInput.TimerFired} back to the
 * engine. Timers are part of the saga's state and of each decision's timer changes; the topology
 * keeps them in a store keyed by due time and deletes a timer when it delivers it.
 *
 * @param sagaId the saga this timer belongs to
 * @param timerId deterministic: a name-based UUID of (saga id, kind, step, attempt)
 * @param kind what happens when it fires
 * @param step the step it concerns; empty for the saga deadline
 * @param attempt the attempt it concerns (0 for the deadline)
 * @param dueAt when it fires
 */
public record Timer(
    String sagaId,
    UUID timerId,
    TimerKind kind,
    Optional<String> step,
    int attempt,
    Instant dueAt) {

  /** Rejects missing parts. */
  public Timer {
    Objects.requireNonNull(sagaId, "sagaId");
    Objects.requireNonNull(timerId, "timerId");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(step, "step");
    Objects.requireNonNull(dueAt, "dueAt");
  }

  /** A timer with its deterministic id. */
  public static Timer of(
      String sagaId, TimerKind kind, Optional<String> step, int attempt, Instant dueAt) {
    return new Timer(sagaId, Ids.timerId(sagaId, kind, step, attempt), kind, step, attempt, dueAt);
  }
}
