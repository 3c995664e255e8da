package io.sagaflow.topology;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.sagaflow.contract.CancelSaga;
import io.sagaflow.contract.DeadLetterReason;
import io.sagaflow.contract.OperatorCommand;
import io.sagaflow.contract.SagaStateRecord;
import io.sagaflow.contract.StartSaga;
import io.sagaflow.contract.StepReply;
import io.sagaflow.engine.Decision;
import io.sagaflow.engine.DefinitionResolver;
import io.sagaflow.engine.Resolution;
import io.sagaflow.engine.RolloutAssignment;
import io.sagaflow.engine.SagaDefinition;
import io.sagaflow.engine.SagaEngine;
import io.sagaflow.engine.SagaInput;
import io.sagaflow.engine.SagaState;
import io.sagaflow.serde.SagaHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one processor that runs sagas: for each input it loads the saga's state, asks the engine for
 * a decision and has {@link DecisionWriter} write it; {@link TimerFiring} does the same for due
 * timers. Kafka Streams commits all of that with the input's offset in one transaction.
 *
 * <p>It holds no saga semantics: every choice is the engine's, and which definition applies is
 * {@link DefinitionResolver}'s. It computes the whole decision before anything is written, so an
 * input rejected or failing midway leaves nothing behind.
 */
final class SagaCoordinator implements Processor<String, Object, String, Object> {
  private static final Logger LOG = LoggerFactory.getLogger(SagaCoordinator.class);

  private final DefinitionResolver definitions;
  private final CoordinatorWiring wiring;
  private final InputMapper inputs;
  private final StateCodec states;
  private final DecisionTracer tracer;
  private ProcessorContext<String, Object> context;
  private KeyValueStore<String, SagaStateRecord> stateStore;
  private DecisionWriter writer;
  private InputCatchUp catchUp = InputCatchUp.none();
  private String task = "";
  private RolloutsInForce rollouts;
  private final Retention retention;

  SagaCoordinator(
      DefinitionResolver definitions,
      CoordinatorWiring wiring,
      DecisionTracer tracer,
      Retention retention) {
    this.definitions = definitions;
    this.wiring = wiring;
    this.tracer = tracer;
    this.retention = retention;
    this.inputs = new InputMapper(wiring.data());
    this.states = new StateCodec(wiring.data());
  }

  @Override
  public void init(ProcessorContext<String, Object> context) {
    this.context = context;
    this.stateStore = context.getStateStore(wiring.stateStore());
    this.writer = new DecisionWriter(context, wiring, states);
    this.rollouts = RolloutsInForce.of(context);
    Stalls stalls =
        new Stalls(
            context.taskId().toString(), wiring.punctuationInterval(), wiring.stallThreshold());
    TimerFiring timers =
        new TimerFiring(context, wiring, definitions, states, writer, stalls, tracer);
    this.catchUp = InputCatchUp.start(context, wiring.inputTopics(), wiring.catchUpLimit());
    // Init runs once the task's stores are restored, so the index read here is the committed one.
    this.task = context.taskId().toString();
    KeyValueStore<Bytes, byte[]> index = context.getStateStore(wiring.indexStore());
    TimerRebuild.Result rebuilt =
        TimerRebuild.rebuild(stateStore, index, context.getStateStore(wiring.timerStore()));
    if (rebuilt.sagas() > 0) {
      LOG.info(
          "Task {}: rebuilt {} timer(s) of {} unfinished saga(s) from their state in {} ms",
          task,
          rebuilt.timers(),
          rebuilt.sagas(),
          rebuilt.millis());
    }
    SagaGauges gauges = wiring.counters().gauges();
    gauges.open(task, index, Instant.ofEpochMilli(context.currentSystemTimeMs()));
    // Wall-clock time: timeouts must fire even when no input arrives on the partition, which
    // stream time (driven by input timestamps) would not guarantee.
    context.schedule(
        wiring.punctuationInterval(),
        PunctuationType.WALL_CLOCK_TIME,
        now -> {
          stalls.scanned(now);
          gauges.refresh(task, index, Instant.ofEpochMilli(now));
          if (catchUp.caughtUp(now)) {
            timers.fireDue(now);
          }
        });
    if (retention.removesFinished()) {
      FinishedSagaScan finished =
          new FinishedSagaScan(stateStore, index, retention, wiring.counters(), task);
      // Wall-clock, like the timers: a partition that receives no more inputs must still shed
      // the sagas it finished.
      context.schedule(retention.interval(), PunctuationType.WALL_CLOCK_TIME, finished::scan);
    }
  }

  @Override
  public void close() {
    catchUp.close();
    wiring.counters().gauges().close(task);
  }

  @Override
  @SuppressWarnings("try") // the context is the MDC; the body logs through it without naming it
  public void process(Record<String, Object> record) {
    // Counted before anything can reject it: a dead-lettered input has been dealt with too.
    catchUp.processed(context.recordMetadata());
    String sagaId = record.key();
    if (sagaId == null || sagaId.isBlank()) {
      throw new RejectedInputException(
          DeadLetterReason.VALIDATION_FAILED,
          Optional.empty(),
          "Inputs must be keyed by saga id; this record has no key");
    }
    Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
    Optional<SagaStateRecord> stored = Optional.ofNullable(stateStore.get(sagaId));
    Optional<String> inputTraceparent =
        InputMapper.header(record.headers(), SagaHeaders.TRACEPARENT);
    Span span =
        tracer.startDecision(
            sagaId,
            inputKind(record.value()),
            stored
                .map(SagaStateRecord::getTraceparent)
                .or(
                    () ->
                        record.value() instanceof StartSaga ? inputTraceparent : Optional.empty()),
            inputTraceparent);
    // Current while the input is handled, so whatever runs inside (logs, the producer's
    // instrumentation) sees the saga's trace.
    Scope scope = span.makeCurrent();
    // The log context inside the span's scope, so log lines carry the decision span's ids.
    try (SagaLogContext log = logContext(sagaId, stored, record)) {
      Decision<?> decision = decide(sagaId, stored, record, now);
      wiring.counters().increment(SagaMetric.INPUT, decision.verdict().name());
      LOG.debug(
          "{} {}: saga {}",
          decision.verdict(),
          record.value().getClass().getSimpleName(),
          decision.nextState().map(s -> s.status().name()).orElse("not stored"));
      rejectIfDeadLetter(sagaId, decision);
      writer.write(stored, decision, now);
    } catch (RuntimeException e) {
      DecisionTracer.failed(span, e);
      throw e;
    } finally {
      scope.close();
      span.end();
    }
  }

  private static String inputKind(Object value) {
    if (value instanceof StartSaga) {
      return "START";
    } else if (value instanceof StepReply) {
      return "REPLY";
    } else if (value instanceof CancelSaga) {
      return "CANCEL";
    } else if (value instanceof OperatorCommand) {
      return "OPERATOR";
    }
    return "UNKNOWN";
  }

  private static SagaLogContext logContext(
      String sagaId, Optional<SagaStateRecord> stored, Record<String, Object> record) {
    Object value = record.value();
    Optional<String> type =
        stored
            .map(SagaStateRecord::getSagaType)
            .or(
                () ->
                    value instanceof StartSaga start
                        ? Optional.ofNullable(start.getSagaType())
                        : Optional.empty());
    SagaLogContext log = SagaLogContext.open(sagaId).withType(type);
    if (value instanceof StepReply reply) {
      log.withStep(Optional.ofNullable(reply.getStep()))
          .withAttempt(Optional.of(reply.getAttempt()));
    } else if (value instanceof OperatorCommand command) {
      log.withStep(Optional.ofNullable(command.getStep()));
    }
    Optional<String> traceparent =
        stored
            .flatMap(s -> Optional.ofNullable(s.getTraceparent()))
            .or(
                () ->
                    Optional.ofNullable(record.headers().lastHeader(SagaHeaders.TRACEPARENT))
                        .map(h -> new String(h.value(), StandardCharsets.UTF_8)));
    return log.withTraceparent(traceparent);
  }

  private Decision<?> decide(
      String sagaId, Optional<SagaStateRecord> stored, Record<String, Object> record, Instant now) {
    Optional<DefinitionResolver.Recorded> recorded = stored.map(StateCodec::recorded);
    if (record.value() instanceof StartSaga start) {
      Optional<Integer> named = Optional.ofNullable(start.getDefinitionVersion());
      // Only a new saga that names no version is placed; the placement is an input to the engine,
      // recorded in the state, so the rollout is never consulted again for this saga.
      Optional<RolloutAssignment> placement =
          named.isEmpty() && recorded.isEmpty()
              ? rollouts.of(start.getSagaType()).map(r -> r.assign(sagaId))
              : Optional.empty();
      Resolution resolution =
          definitions.forStart(
              recorded,
              start.getSagaType(),
              placement.map(RolloutAssignment::version).or(() -> named));
      if (resolution instanceof Resolution.UnknownType unknown) {
        throw new RejectedInputException(
            DeadLetterReason.VALIDATION_FAILED, Optional.of(sagaId), unknown.reason());
      }
      SagaDefinition<?> definition = resolution.orElseThrow();
      return decide(
          definition,
          stored,
          inputs.start(sagaId, start, definition.dataType(), record.headers(), placement),
          now);
    }
    SagaInput input = toInput(sagaId, record.value());
    return stored.isPresent()
        ? decide(definitions.forInput(recorded, input).orElseThrow(), stored, input, now)
        : SagaEngine.decide(definitions, Optional.empty(), input, now);
  }

  private <D> Decision<D> decide(
      SagaDefinition<D> definition,
      Optional<SagaStateRecord> stored,
      SagaInput input,
      Instant now) {
    Optional<SagaState<D>> state = stored.map(r -> states.fromRecord(r, definition));
    Decision<D> decision = SagaEngine.decide(definition, state, input, now);
    tracer.decided(definition, state, input, decision, now);
    return decision;
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
}
