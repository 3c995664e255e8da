package io.sagaflow.engine;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/** A record the topology must write as part of applying a decision. */
public sealed interface Outbound {

  /**
   * A command for a participant.
   *
   * @param topic the participant's command (or compensation) topic
   * @param sagaId the saga (Kafka key, {@code ce_subject})
   * @param step the step it performs or undoes
   * @param attempt action or compensation attempt, from 1
   * @param kind action or compensation
   * @param commandId deterministic id ({@code ce_id}); participants deduplicate on it
   * @param payload the typed command built by the step definition; serialised by the topology
   * @param traceparent trace context of the saga
   */
  record Command(
      String topic,
      String sagaId,
      String step,
      int attempt,
      CommandKind kind,
      UUID commandId,
      Object payload,
      Optional<String> traceparent)
      implements Outbound {
    /** Rejects missing parts. */
    public Command {
      Objects.requireNonNull(topic, "topic");
      Objects.requireNonNull(sagaId, "sagaId");
      Objects.requireNonNull(step, "step");
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(commandId, "commandId");
      Objects.requireNonNull(payload, "payload of step " + step);
      Objects.requireNonNull(traceparent, "traceparent");
    }
  }

  /**
   * A lifecycle event for {@code saga.events}.
   *
   * @param sagaId the saga
   * @param type saga type
   * @param version definition version
   * @param eventType what happened
   * @param step the step concerned, if any
   * @param attempt the attempt concerned, if any
   * @param status the saga's status after the decision's change so far
   * @param reason why, in words, when there is more to say than the type
   * @param at the decision's {@code now}
   * @param rollout how a rollout placed the saga; only on SAGA_STARTED, empty on every other event
   */
  record LifecycleEvent(
      String sagaId,
      String type,
      int version,
      EventType eventType,
      Optional<String> step,
      Optional<Integer> attempt,
      SagaStatus status,
      Optional<String> reason,
      Instant at,
      Optional<RolloutAssignment> rollout)
      implements Outbound {
    /** Rejects missing parts. */
    public LifecycleEvent {
      Objects.requireNonNull(sagaId, "sagaId");
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(eventType, "eventType");
      Objects.requireNonNull(step, "step");
      Objects.requireNonNull(attempt, "attempt");
      Objects.requireNonNull(status, "status");
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(rollout, "rollout");
    }

    /** An event that says nothing about a rollout. */
    public LifecycleEvent(
        String sagaId,
        String type,
        int version,
        EventType eventType,
        Optional<String> step,
        Optional<Integer> attempt,
        SagaStatus status,
        Optional<String> reason,
        Instant at) {
      this(sagaId, type, version, eventType, step, attempt, status, reason, at, Optional.empty());
    }
  }
}
