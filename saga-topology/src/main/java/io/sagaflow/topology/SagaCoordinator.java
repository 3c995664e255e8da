package io.sagaflow.topology;

import io.sagaflow.contract.CancelSaga;
import io.sagaflow.contract.DeadLetter;
import io.sagaflow.contract.DeadLetterReason;
import io.sagaflow.contract.OperatorCommand;
import io.sagaflow.contract.SagaStateRecord;
import io.sagaflow.contract.StartSaga;
import io.sagaflow.contract.StepReply;
import io.sagaflow.engine.Decision;
import io.sagaflow.engine.InputVerdict;
import io.sagaflow.engine.Outbound;
import io.sagaflow.engine.SagaDefinition;
import io.sagaflow.engine.SagaEngine;
import io.sagaflow.engine.SagaInput;
import io.sagaflow.engine.SagaRegistry;
import io.sagaflow.engine.SagaState;
import io.sagaflow.engine.Timer;
import io.sagaflow.engine.TimerChange;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one processor that runs sagas: for each input it loads the saga's state, asks the engine for
 * a decision, then stores the new state and timers and forwards the outbound records. Kafka Streams
 * commits all of that with the input's offset in one transaction.
 *
 * <p>It holds no saga semantics: every choice is the engine's. It first computes the whole decision
 * and only then writes, so an input rejected or failing midway leaves nothing behind.
 *
 * <p>It also keeps the saga's entry in {@code saga-index} ({@link SagaIndex}) in the same
 * transaction as the state. It never deletes a saga's state; whatever deletes one in future must
 * remove its index entry through {@link SagaIndex#changes} with an absent after-entry.
 */
final class SagaCoordinator implements Processor<String, Object, String, Object> {
  private static final Logger LOG = LoggerFactory.getLogger(SagaCoordinator.class);
  private static final byte[] TIMER_MARK = new byte[0];

  private final SagaRegistry registry;
  private final CoordinatorWiring wiring;
  private final InputMapper inputs;
  private final StateCodec states;
  private final OutboundMapper outbound;
  private ProcessorContext<String, Object> context;
  private KeyValueStore<String, SagaStateRecord> stateStore;
  private KeyValueStore<Bytes, byte[]> timerStore;
  private KeyValueStore<Bytes, byte[]> indexStore;

  SagaCoordinator(SagaRegistry registry, CoordinatorWiring wiring) {
    this.registry = registry;
    this.wiring = wiring;
    this.inputs = new InputMapper(wiring.data());
    this.states = new StateCodec(wiring.data());
    this.outbound = new OutboundMapper(wiring.replyTopic());
  }

  @Override
  public void init(ProcessorContext<String, Object> context) {
    this.context = context;
    this.stateStore = context.getStateStore(wiring.stateStore());
    this.timerStore = context.getStateStore(wiring.timerStore());
    this.indexStore = context.getStateStore(wiring.indexStore());
    // Wall-clock time: timeouts must fire even when no input arrives on the partition, which
    // stream time (driven by input timestamps) would not guarantee.
    context.schedule(wiring.punctuationInterval(), PunctuationType.WALL_CLOCK_TIME, this::fireDue);
  }

  @Override
  public void process(Record<String, Object> record) {
    String sagaId = record.key();
    if (sagaId == null || sagaId.isBlank()) {
      throw new RejectedInputException(
          DeadLetterReason.VALIDATION_FAILED,
          Optional.empty(),
          "Inputs must be keyed by saga id; this record has no key");
    }
    Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
    Optional<SagaStateRecord> stored = Optional.ofNullable(stateStore.get(sagaId));
    Object value = record.value();
    Decision<?> decision;
    if (value instanceof StartSaga start) {
      SagaDefinition<?> definition =
          stored.isPresent()
              ? definitionOf(stored.get())
              : registry
                  .resolve(start.getSagaType(), Optional.ofNullable(start.getDefinitionVersion()))
                  .orElseThrow(() -> unknownType(sagaId, start));
      decision =
          decide(
              definition,
              stored,
              inputs.start(sagaId, start, definition.dataType(), record.headers()),
              now);
    } else {
      SagaInput input = toInput(sagaId, value);
      decision =
          stored.isPresent()
              ? decide(definitionOf(stored.get()), stored, input, now)
              : SagaEngine.decide(registry, Optional.empty(), input, now);
    }
    wiring.counters().increment("input." + decision.verdict().name());
    rejectIfDeadLetter(sagaId, decision);
    apply(stored, decision, now);
  }

  private SagaInput toInput(String sagaId, Object value) {
    if (value instanceof StepReply reply) {
      return inputs.reply(sagaId, reply);
    } else if (value instanceof CancelSaga cancel) {
      return inputs.cancel(cancel);
    } else if (value instanceof OperatorCommand command) {
      return inputs.operator(sagaId, command);
    }
    // The decoders forward only the types above; anything else is a wiring bug.
    throw new IllegalStateException(
        "Coordinator received a " + value.getClass().getName() + " for saga " + sagaId);
  }

  private static void rejectIfDeadLetter(String sagaId, Decision<?> decision) {
    DeadLetterReason reason =
        switch (decision.verdict()) {
          case UNKNOWN_SAGA -> DeadLetterReason.UNKNOWN_SAGA;
          case UNKNOWN_STEP -> DeadLetterReason.UNKNOWN_STEP;
          case AFTER_END -> DeadLetterReason.AFTER_END;
          case INVALID -> DeadLetterReason.VALIDATION_FAILED;
          case APPLIED, DUPLICATE, STALE_ATTEMPT, REFUSED -> null;
        };
    if (reason != null) {
      throw new RejectedInputException(
          reason, Optional.of(sagaId), decision.reason().orElse(decision.verdict().name()));
    }
  }

  /** Fires timers due by {@code wallClockMillis}, at most the configured budget per call. */
  void fireDue(long wallClockMillis) {
    Instant now = Instant.ofEpochMilli(wallClockMillis);
    List<Bytes> due = new ArrayList<>();
    try (KeyValueIterator<Bytes, byte[]> it =
        timerStore.range(TimerKeys.first(), TimerKeys.dueUpTo(now))) {
      while (it.hasNext() && due.size() < wiring.timerBudget()) {
        KeyValue<Bytes, byte[]> entry = it.next();
        due.add(entry.key);
      }
    }
    for (Bytes key : due) {
      timerStore.delete(key);
      fire(TimerKeys.sagaId(key), TimerKeys.timerId(key), now);
    }
  }

  private void fire(String sagaId, java.util.UUID timerId, Instant now) {
    try {
      Optional<SagaStateRecord> stored = Optional.ofNullable(stateStore.get(sagaId));
      if (stored.isEmpty()) {
        wiring.counters().increment("timer.orphaned");
        return;
      }
      fireOn(definitionOf(stored.get()), stored.get(), timerId, now);
    } catch (RuntimeException e) {
      if (DeadLetterHandlers.isRegistryFailure(e)) {
        // An outage, not a bad timer: failing the task aborts the transaction, which restores the
        // timer deleted above, so it fires again once the registry is back.
        throw e;
      }
      deadLetterTimer(sagaId, timerId, now, e);
    }
  }

  private void deadLetterTimer(String sagaId, java.util.UUID timerId, Instant now, Exception e) {
    // A timer has no source record, so the processing exception handler cannot dead-letter it;
    // the coordinator does, and the saga stays as it was for an operator to look at.
    LOG.error("Timer {} of saga {} failed; dead-lettering it", timerId, sagaId, e);
    DeadLetter letter =
        wiring
            .deadLetters()
            .letter(
                DeadLetterReason.PROCESSING_FAILED,
                "Timer " + timerId + " failed: " + e,
                wiring.timerStore(),
                -1,
                -1,
                Optional.of(sagaId),
                null,
                null,
                now);
    RecordHeaders headers = new RecordHeaders();
    wiring.deadLetters().addFacts(headers, letter);
    wiring.deadLetters().count(DeadLetterReason.PROCESSING_FAILED);
    context.forward(
        new Record<String, Object>(sagaId, letter, now.toEpochMilli(), headers),
        wiring.deadLetterSink());
  }

  private <D> void fireOn(
      SagaDefinition<D> definition, SagaStateRecord stored, java.util.UUID timerId, Instant now) {
    SagaState<D> state = states.fromRecord(stored, definition);
    Optional<Timer> timer =
        state.pendingTimers().stream().filter(t -> t.timerId().equals(timerId)).findFirst();
    if (timer.isEmpty()) {
      wiring.counters().increment("timer.stale");
      return;
    }
    Decision<D> decision =
        SagaEngine.decide(
            definition, Optional.of(state), new SagaInput.TimerFired(timer.get()), now);
    wiring.counters().increment("timer." + decision.verdict().name());
    if (decision.verdict() == InputVerdict.APPLIED) {
      apply(Optional.of(stored), decision, now);
    }
  }

  private <D> Decision<D> decide(
      SagaDefinition<D> definition,
      Optional<SagaStateRecord> stored,
      SagaInput input,
      Instant now) {
    Optional<SagaState<D>> state = stored.map(r -> states.fromRecord(r, definition));
    return SagaEngine.decide(definition, state, input, now);
  }

  private void apply(Optional<SagaStateRecord> stored, Decision<?> decision, Instant now) {
    // Everything that can fail (encoding the state, mapping the outbound values) happens before
    // the first write: a decision that cannot be carried out must leave no saga state behind that
    // waits for a command which was never sent.
    Optional<SagaStateRecord> next = decision.nextState().map(states::toRecord);
    // An absent next state means "unchanged", never "deleted": the index moves only with a write.
    List<KeyValue<Bytes, byte[]>> indexChanges =
        next.map(
                n ->
                    SagaIndex.changes(
                        stored.map(SagaIndex::entryOf), Optional.of(SagaIndex.entryOf(n))))
            .orElse(List.of());
    String traceparent = decision.nextState().flatMap(SagaState::traceparent).orElse("");
    List<Forward> forwards = new ArrayList<>();
    for (Outbound out : decision.outbound()) {
      if (out instanceof Outbound.Command command) {
        forwards.add(
            new Forward(outbound.command(command, now), wiring.commandSink(command.topic())));
      } else {
        forwards.add(
            new Forward(
                outbound.event((Outbound.LifecycleEvent) out, traceparent), wiring.eventSink()));
      }
    }
    next.ifPresent(r -> stateStore.put(r.getSagaId(), r));
    for (KeyValue<Bytes, byte[]> change : indexChanges) {
      if (change.value == null) {
        indexStore.delete(change.key);
      } else {
        indexStore.put(change.key, change.value);
      }
    }
    for (TimerChange change : decision.timerChanges()) {
      Bytes key = TimerKeys.of(change.timer());
      if (change instanceof TimerChange.Schedule) {
        timerStore.put(key, TIMER_MARK);
      } else {
        timerStore.delete(key);
      }
    }
    forwards.forEach(f -> context.forward(f.record(), f.sink()));
    decision
        .violations()
        .forEach(
            v -> {
              wiring.counters().increment("invariant.violated." + v.name());
              LOG.warn("Invariant {} violated: {}", v.name(), v.message());
            });
  }

  /** An outbound record and the sink it goes to. */
  private record Forward(Record<String, Object> record, String sink) {}

  private SagaDefinition<?> definitionOf(SagaStateRecord stored) {
    return registry
        .find(stored.getSagaType(), stored.getDefinitionVersion())
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "Saga "
                        + stored.getSagaId()
                        + " runs on "
                        + stored.getSagaType()
                        + " v"
                        + stored.getDefinitionVersion()
                        + ", which this deployment does not register; keep old versions"
                        + " registered until their sagas have ended"));
  }

  private RejectedInputException unknownType(String sagaId, StartSaga start) {
    return new RejectedInputException(
        DeadLetterReason.VALIDATION_FAILED,
        Optional.of(sagaId),
        "No saga type '"
            + start.getSagaType()
            + "'"
            + (start.getDefinitionVersion() == null ? "" : " v" + start.getDefinitionVersion())
            + " is registered; registered versions of it: "
            + registry.versions(start.getSagaType()));
  }
}
