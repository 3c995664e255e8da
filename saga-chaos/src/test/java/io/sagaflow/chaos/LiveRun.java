package io.sagaflow.chaos;

import io.sagaflow.chaos.EventLedger.CommittedEvent;
import io.sagaflow.contract.SagaEvent;
import io.sagaflow.contract.SagaEventType;
import io.sagaflow.contract.SagaStateRecord;
import io.sagaflow.contract.StepStateRecord;
import io.sagaflow.contract.TimerRecord;
import io.sagaflow.contract.TransitionRecord;
import io.sagaflow.engine.CommandKind;
import io.sagaflow.engine.Decision;
import io.sagaflow.engine.Ids;
import io.sagaflow.engine.InputVerdict;
import io.sagaflow.engine.Outbound;
import io.sagaflow.engine.Outcome;
import io.sagaflow.engine.RetryPolicy;
import io.sagaflow.engine.SagaDefinition;
import io.sagaflow.engine.SagaEngine;
import io.sagaflow.engine.SagaInput;
import io.sagaflow.engine.SagaRegistry;
import io.sagaflow.engine.SagaState;
import io.sagaflow.engine.StepKind;
import io.sagaflow.engine.Timer;
import io.sagaflow.engine.TimerKind;
import io.sagaflow.topology.SagaTopics;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A saga run through the pure engine the way the processor runs it, recording what the verifier
 * reads: its inputs with their offsets, its committed events and its stored state. Tests then spoil
 * one of them.
 */
final class LiveRun {
  static final String TYPE = "two-steps";
  static final Duration TIMEOUT = Duration.ofSeconds(10);
  static final SagaDefinition<String> DEFINITION = definition(1);
  static final SagaRegistry REGISTRY = SagaRegistry.of(DEFINITION);

  final String sagaId;
  final List<InputRecord> requests = new ArrayList<>();
  final List<InputRecord> replies = new ArrayList<>();
  final List<CommittedEvent> events = new ArrayList<>();
  private Optional<SagaState<?>> state = Optional.empty();
  private Instant now = Instant.parse("2026-01-01T00:00:00Z");
  private long replyOffset;

  LiveRun(String sagaId) {
    this.sagaId = sagaId;
  }

  /** The two steps under {@code version}: later versions differ only in their number. */
  static SagaDefinition<String> definition(int version) {
    return SagaDefinition.builder(TYPE, version, String.class)
        .step(
            "reserve",
            "stock.commands",
            StepKind.COMPENSATABLE,
            s ->
                s.action(d -> "reserve " + d)
                    .compensation(d -> "release " + d)
                    .timeout(TIMEOUT)
                    .retry(
                        RetryPolicy.exponential(
                            3, Duration.ofMillis(100), 2.0, Duration.ofSeconds(1))))
        .step(
            "charge",
            "payment.commands",
            StepKind.PIVOT,
            s -> s.action(d -> "charge " + d).timeout(TIMEOUT))
        .build();
  }

  /** The saga's start request, processed at once. */
  LiveRun start() {
    InputRecord start =
        new InputRecord(
            SagaTopics.REQUESTS,
            0,
            requests.size(),
            now,
            new SagaInput.Start<>(sagaId, TYPE, Optional.empty(), "order-1", Optional.empty()));
    requests.add(start);
    return process(start);
  }

  /** A reply to the step's attempt written at the current time, not yet processed. */
  InputRecord reply(String step, int attempt, Outcome outcome) {
    InputRecord reply =
        new InputRecord(
            SagaTopics.REPLIES,
            0,
            replyOffset++,
            now,
            new SagaInput.StepReply(
                step, attempt, Ids.commandId(sagaId, step, attempt, CommandKind.ACTION), outcome));
    replies.add(reply);
    return reply;
  }

  /** A reply written and processed at once. */
  LiveRun answer(String step, int attempt, Outcome outcome) {
    return process(reply(step, attempt, outcome));
  }

  LiveRun process(InputRecord input) {
    return decide(input.input());
  }

  /** Fires the pending timer of {@code kind} for {@code step}. */
  LiveRun fire(TimerKind kind, String step) {
    Timer timer =
        state.orElseThrow().pendingTimers().stream()
            .filter(t -> t.kind() == kind && t.step().equals(Optional.of(step)))
            .findFirst()
            .orElseThrow();
    if (now.isBefore(timer.dueAt())) {
      now = timer.dueAt();
    }
    return decide(new SagaInput.TimerFired(timer));
  }

  LiveRun wait(Duration duration) {
    now = now.plus(duration);
    return this;
  }

  SagaState<?> state() {
    return state.orElseThrow();
  }

  /** The state as the changelog would hold it. */
  StoredState stored() {
    SagaState<?> s = state();
    return new StoredState(
        SagaStateRecord.newBuilder()
            .setSagaId(s.sagaId())
            .setSagaType(s.type())
            .setDefinitionVersion(s.definitionVersion())
            .setStatus(s.status().name())
            .setData(ByteBuffer.allocate(0))
            .setSteps(
                s.steps().stream()
                    .map(
                        p ->
                            StepStateRecord.newBuilder()
                                .setName(p.name())
                                .setStatus(p.status().name())
                                .setAttempt(p.attempt())
                                .setCommandId(p.commandId().map(Object::toString).orElse(null))
                                .setCompensationAttempt(p.compensationAttempt())
                                .setLastErrorCode(p.lastError().map(e -> e.code()).orElse(null))
                                .setLastErrorMessage(
                                    p.lastError().map(e -> e.message()).orElse(null))
                                .setLastErrorKind(
                                    p.lastError().map(e -> e.kind().name()).orElse(null))
                                .setLastErrorAttempt(
                                    p.lastError().map(e -> e.attempt()).orElse(null))
                                .setLastErrorAt(p.lastError().map(e -> e.at()).orElse(null))
                                .setStartedAt(p.startedAt().orElse(null))
                                .setFinishedAt(p.finishedAt().orElse(null))
                                .setMayHaveApplied(p.mayHaveApplied())
                                .build())
                    .toList())
            .setTimers(
                s.pendingTimers().stream()
                    .map(
                        t ->
                            TimerRecord.newBuilder()
                                .setTimerId(t.timerId().toString())
                                .setKind(t.kind().name())
                                .setStep(t.step().orElse(null))
                                .setAttempt(t.attempt())
                                .setDueAt(t.dueAt())
                                .build())
                    .toList())
            .setHistory(
                s.history().stream()
                    .map(
                        t ->
                            TransitionRecord.newBuilder()
                                .setAt(t.at())
                                .setFrom(t.from().map(Enum::name).orElse(""))
                                .setTo(t.to().name())
                                .setCause(t.cause())
                                .build())
                    .toList())
            .setLastError(s.lastError().orElse(null))
            .setCreatedAt(s.createdAt())
            .setUpdatedAt(s.updatedAt())
            .build(),
        Optional.of(s.data()),
        "sagaflow-saga-state-changelog-0@" + events.size());
  }

  /** {@code e} as saga.events holds it, at {@code offset} of partition 0. */
  static CommittedEvent committed(Outbound.LifecycleEvent e, long offset) {
    return new CommittedEvent(
        SagaEvent.newBuilder()
            .setSagaId(e.sagaId())
            .setSagaType(e.type())
            .setDefinitionVersion(e.version())
            .setEventType(SagaEventType.valueOf(e.eventType().name()))
            .setStep(e.step().orElse(null))
            .setAttempt(e.attempt().orElse(null))
            .setStatus(e.status().name())
            .setReason(e.reason().orElse(null))
            .setAt(e.at())
            .build(),
        0,
        offset);
  }

  private LiveRun decide(SagaInput input) {
    Decision<?> decision = SagaEngine.decide(REGISTRY, state, input, now);
    if (decision.verdict() == InputVerdict.APPLIED) {
      state = Optional.of(decision.nextState().orElseThrow());
      decision.events().forEach(e -> events.add(committed(e, events.size())));
    }
    now = now.plusMillis(50);
    return this;
  }
}
