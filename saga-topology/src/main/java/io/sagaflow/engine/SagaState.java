package io.sagaflow.engine;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything the engine knows about one saga, as one immutable value. It is what the topology
 * stores (and what the status API serves); the engine derives every decision from it alone.
 *
 * @param <D> saga data type
 * @param sagaId unique id, also the Kafka key of every record of this saga
 * @param type the saga type ({@link SagaDefinition#type()})
 * @param definitionVersion the definition version the saga started with and keeps
 * @param status where the saga is in its lifecycle
 * @param data the typed saga data, updated by reply mappings
 * @param steps one state per step, in definition order
 * @param pendingTimers timers scheduled and neither fired nor cancelled, in scheduling order
 * @param history every status change with its cause, oldest first
 * @param traceparent W3C trace context of the start request, copied onto every command
 * @param lastError the latest failure in words (a STUCK saga's latest reason)
 * @param createdAt when the processor accepted the saga's start (the time of its SAGA_STARTED
 *     event)
 * @param updatedAt the {@code now} of the last applied input
 * @param rollout how a rollout placed the saga at its start; empty when none did
 */
public record SagaState<D>(
    String sagaId,
    String type,
    int definitionVersion,
    SagaStatus status,
    D data,
    List<StepState> steps,
    List<Timer> pendingTimers,
    List<Transition> history,
    Optional<String> traceparent,
    Optional<String> lastError,
    Instant createdAt,
    Instant updatedAt,
    Optional<RolloutAssignment> rollout) {

  /** Copies lists so the value cannot change under its holder. */
  public SagaState {
    Objects.requireNonNull(sagaId, "sagaId");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(data, "data");
    steps = List.copyOf(steps);
    pendingTimers = List.copyOf(pendingTimers);
    history = List.copyOf(history);
    Objects.requireNonNull(traceparent, "traceparent");
    Objects.requireNonNull(lastError, "lastError");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
    Objects.requireNonNull(rollout, "rollout");
  }

  /** The state of a saga no rollout placed. */
  public SagaState(
      String sagaId,
      String type,
      int definitionVersion,
      SagaStatus status,
      D data,
      List<StepState> steps,
      List<Timer> pendingTimers,
      List<Transition> history,
      Optional<String> traceparent,
      Optional<String> lastError,
      Instant createdAt,
      Instant updatedAt) {
    this(
        sagaId,
        type,
        definitionVersion,
        status,
        data,
        steps,
        pendingTimers,
        history,
        traceparent,
        lastError,
        createdAt,
        updatedAt,
        Optional.empty());
  }

  /** The state of the named step. */
  public Optional<StepState> step(String name) {
    return steps.stream().filter(s -> s.name().equals(name)).findFirst();
  }

  /** Why the saga is STUCK: the cause of the transition that parked it; empty unless STUCK. */
  public Optional<String> stuckReason() {
    return status == SagaStatus.STUCK
        ? lastTransitionTo(SagaStatus.STUCK).map(Transition::cause)
        : Optional.empty();
  }

  /** The most recent transition into {@code target}. */
  public Optional<Transition> lastTransitionTo(SagaStatus target) {
    for (int i = history.size() - 1; i >= 0; i--) {
      if (history.get(i).to() == target) {
        return Optional.of(history.get(i));
      }
    }
    return Optional.empty();
  }
}
