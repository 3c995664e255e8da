package io.sagaflow.topology;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.sagaflow.contract.DeadLetter;
import io.sagaflow.contract.DeadLetterReason;
import io.sagaflow.contract.SagaStateRecord;
import io.sagaflow.engine.Decision;
import io.sagaflow.engine.DefinitionResolver;
import io.sagaflow.engine.InputVerdict;
import io.sagaflow.engine.SagaDefinition;
import io.sagaflow.engine.SagaEngine;
import io.sagaflow.engine.SagaInput;
import io.sagaflow.engine.SagaState;
import io.sagaflow.engine.Timer;
import io.sagaflow.engine.TimerKind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's punctuator: scans the timer store for timers due, at most {@link
 * CoordinatorWiring#timerBudget()} per scan so a backlog cannot stall a commit, and hands each to
 * the engine as a {@link SagaInput.TimerFired}.
 *
 * <p>A timer has no source record, so the processing exception handler cannot dead-letter one that
 * fails; this class does, and the saga stays as it was for an operator to look at. A
 * schema-registry outage is not the timer's fault: it fails the task instead, so the timer fires
 * again once the registry is back.
 */
final class TimerFiring {
  private static final Logger LOG = LoggerFactory.getLogger(TimerFiring.class);

  private final ProcessorContext<String, Object> context;
  private final CoordinatorWiring wiring;
  private final DefinitionResolver definitions;
  private final StateCodec states;
  private final DecisionWriter writer;
  private final KeyValueStore<String, SagaStateRecord> stateStore;
  private final KeyValueStore<Bytes, byte[]> timerStore;
  private final BusyTimeouts busy;
  private final Stalls stalls;
  private final DecisionTracer tracer;

  TimerFiring(
      ProcessorContext<String, Object> context,
      CoordinatorWiring wiring,
      DefinitionResolver definitions,
      StateCodec states,
      DecisionWriter writer,
      Stalls stalls,
      DecisionTracer tracer) {
    this.context = context;
    this.tracer = tracer;
    this.stalls = stalls;
    this.wiring = wiring;
    this.definitions = definitions;
    this.states = states;
    this.writer = writer;
    this.stateStore = context.getStateStore(wiring.stateStore());
    this.timerStore = context.getStateStore(wiring.timerStore());
    this.busy =
        new BusyTimeouts(
            context.taskId().toString(),
            context.getStateStore(wiring.indexStore()),
            wiring.busyThreshold(),
            wiring.busyLimit());
  }

  /** Fires timers due by {@code wallClockMillis}, at most the configured budget per call. */
  void fireDue(long wallClockMillis) {
    Instant now = Instant.ofEpochMilli(wallClockMillis);
    List<Bytes> due = new ArrayList<>();
    try (KeyValueIterator<Bytes, byte[]> it =
        timerStore.range(TimerKeys.first(), TimerKeys.dueUpTo(now))) {
      while (it.hasNext() && due.size() < wiring.timerBudget()) {
        due.add(it.next().key);
      }
    }
    for (Bytes key : due) {
      timerStore.delete(key);
      fire(TimerKeys.sagaId(key), TimerKeys.timerId(key), now);
    }
  }

  private void fire(String sagaId, UUID timerId, Instant now) {
    try (SagaLogContext log = SagaLogContext.open(sagaId)) {
      try {
        Optional<SagaStateRecord> stored = Optional.ofNullable(stateStore.get(sagaId));
        if (stored.isEmpty()) {
          wiring.counters().increment(SagaMetric.TIMER, "orphaned");
          return;
        }
        log.withType(Optional.of(stored.get().getSagaType()))
            .withTraceparent(Optional.ofNullable(stored.get().getTraceparent()));
        SagaDefinition<?> definition =
            definitions.running(StateCodec.recorded(stored.get())).orElseThrow();
        fireOn(definition, stored.get(), timerId, now, log);
      } catch (RuntimeException e) {
        if (DeadLetterHandlers.isRegistryFailure(e)) {
          // Failing the task aborts the transaction; the restarted task rebuilds its timers from
          // the committed state, which still lists the timer deleted above.
          throw e;
        }
        deadLetter(sagaId, timerId, now, e);
      }
    }
  }

  private <D> void fireOn(
      SagaDefinition<D> definition,
      SagaStateRecord stored,
      UUID timerId,
      Instant now,
      SagaLogContext log) {
    SagaState<D> state = states.fromRecord(stored, definition);
    Optional<Timer> timer =
        state.pendingTimers().stream().filter(t -> t.timerId().equals(timerId)).findFirst();
    if (timer.isEmpty()) {
      wiring.counters().increment(SagaMetric.TIMER, "stale");
      return;
    }
    Timer t = timer.get();
    log.withStep(t.step()).withAttempt(Optional.of(t.attempt()));
    Optional<Instant> stalled =
        t.step()
            .flatMap(definition::indexOf)
            .flatMap(i -> stalls.holdUntil(t, definition.steps().get(i).timeout(), now));
    if (stalled.isPresent()) {
      hold(t, stalled.get(), "stalled");
      return;
    }
    Optional<Instant> busyHold = busy.holdUntil(t, now);
    if (busyHold.isPresent()) {
      hold(t, busyHold.get(), "held");
      return;
    }
    SagaInput input = new SagaInput.TimerFired(t);
    // A timer's decision is traced like an input's: in the saga's trace, even hours after the
    // start and across restarts, because the context comes from the stored state.
    Span span =
        tracer.startDecision(state.sagaId(), "TIMER", state.traceparent(), Optional.empty());
    Scope scope = span.makeCurrent();
    try {
      log.withCurrentSpan();
      Decision<D> decision = SagaEngine.decide(definition, Optional.of(state), input, now);
      tracer.decided(definition, Optional.of(state), input, decision, now);
      wiring.counters().increment(SagaMetric.TIMER, decision.verdict().name());
      if (decision.verdict() == InputVerdict.APPLIED) {
        writer.write(Optional.of(stored), decision, now);
        timeoutKind(t.kind())
            .ifPresent(
                kind ->
                    wiring
                        .counters()
                        .count(SagaMetric.TIMEOUTS, state.type(), t.step().orElse("none"), kind));
      }
    } catch (RuntimeException e) {
      DecisionTracer.failed(span, e);
      throw e;
    } finally {
      scope.close();
      span.end();
    }
  }

  /** The {@link SagaMetric#TIMEOUTS} kind of a timer that is a timeout; empty for a retry. */
  private static Optional<String> timeoutKind(TimerKind kind) {
    return switch (kind) {
      case STEP_TIMEOUT -> Optional.of("step");
      case COMPENSATION_TIMEOUT -> Optional.of("compensation");
      case DEADLINE -> Optional.of("deadline");
      case RETRY_DUE, COMPENSATION_RETRY_DUE -> Optional.empty();
    };
  }

  /**
   * Moves a due timer in the timer store only; see {@link BusyTimeouts} for why that is enough. A
   * restart forgets the move (the store is rebuilt from the state), so the timer falls due again at
   * once and is held again if the reason still holds.
   */
  private void hold(Timer t, Instant until, String counter) {
    timerStore.put(
        TimerKeys.of(new Timer(t.sagaId(), t.timerId(), t.kind(), t.step(), t.attempt(), until)),
        new byte[0]);
    wiring.counters().increment(SagaMetric.TIMER, counter);
  }

  private void deadLetter(String sagaId, UUID timerId, Instant now, Exception e) {
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
}
