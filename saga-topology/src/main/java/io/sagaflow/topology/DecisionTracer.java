package io.sagaflow.topology;

import static io.sagaflow.topology.SagaSpanAttributes.ERROR_TYPE;
import static io.sagaflow.topology.SagaSpanAttributes.MESSAGING_DESTINATION;
import static io.sagaflow.topology.SagaSpanAttributes.SAGA_ATTEMPT;
import static io.sagaflow.topology.SagaSpanAttributes.SAGA_COMMAND_ID;
import static io.sagaflow.topology.SagaSpanAttributes.SAGA_COMMAND_KIND;
import static io.sagaflow.topology.SagaSpanAttributes.SAGA_COMPENSATION;
import static io.sagaflow.topology.SagaSpanAttributes.SAGA_ERROR_CODE;
import static io.sagaflow.topology.SagaSpanAttributes.SAGA_ID;
import static io.sagaflow.topology.SagaSpanAttributes.SAGA_INPUT;
import static io.sagaflow.topology.SagaSpanAttributes.SAGA_OPERATOR_ACTION;
import static io.sagaflow.topology.SagaSpanAttributes.SAGA_OUTCOME;
import static io.sagaflow.topology.SagaSpanAttributes.SAGA_STATUS;
import static io.sagaflow.topology.SagaSpanAttributes.SAGA_STEP;
import static io.sagaflow.topology.SagaSpanAttributes.SAGA_TIMER_KIND;
import static io.sagaflow.topology.SagaSpanAttributes.SAGA_TYPE;
import static io.sagaflow.topology.SagaSpanAttributes.SAGA_VERDICT;
import static io.sagaflow.topology.SagaSpanAttributes.SAGA_VERSION;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.sagaflow.engine.CommandKind;
import io.sagaflow.engine.Decision;
import io.sagaflow.engine.InputVerdict;
import io.sagaflow.engine.Outbound;
import io.sagaflow.engine.Outcome;
import io.sagaflow.engine.SagaDefinition;
import io.sagaflow.engine.SagaInput;
import io.sagaflow.engine.SagaState;
import io.sagaflow.engine.StepState;
import io.sagaflow.engine.Timer;
import io.sagaflow.engine.TimerKind;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * The processor's spans, all in the trace of the saga they concern (its {@code traceparent}, kept
 * in its state): one per decision, open and current while the coordinator handles the input or
 * timer, and one per command, from its emission to the decision that applies its reply or its
 * timeout. A command's span is made when it ends, with the emission time as its start, because an
 * open span cannot outlive a restart while a command can.
 *
 * <p>With OpenTelemetry's no-op API (no SDK configured) every span is non-recording and the
 * outbound records carry the saga's own {@code traceparent}, byte for byte as without tracing.
 */
final class DecisionTracer {
  static final String INSTRUMENTATION_SCOPE = "io.sagaflow.processor";

  private final Tracer tracer;

  DecisionTracer(OpenTelemetry openTelemetry) {
    this.tracer = openTelemetry.getTracer(INSTRUMENTATION_SCOPE);
  }

  /**
   * Starts the span of a decision about saga {@code sagaId} on {@code input}, a child of the saga's
   * trace context; an input that carries another context (a participant's reply) is linked.
   */
  Span startDecision(
      String sagaId,
      String input,
      Optional<String> sagaTraceparent,
      Optional<String> inputTraceparent) {
    String saga = sagaTraceparent.orElseGet(() -> TraceParents.derived(sagaId));
    SpanBuilder builder =
        tracer
            .spanBuilder("decide " + input)
            .setParent(TraceParents.context(saga))
            .setSpanKind(SpanKind.INTERNAL)
            .setAttribute(SAGA_ID, sagaId)
            .setAttribute(SAGA_INPUT, input);
    inputTraceparent
        .filter(tp -> !tp.equals(saga))
        .map(tp -> Span.fromContext(TraceParents.context(tp)).getSpanContext())
        .filter(SpanContext::isValid)
        .ifPresent(builder::addLink);
    return builder.startSpan();
  }

  /**
   * Records on the current decision span what the engine decided, and makes the spans of the
   * commands this decision closes (a reply applied, a timeout fired).
   */
  <D> void decided(
      SagaDefinition<D> definition,
      Optional<SagaState<D>> before,
      SagaInput input,
      Decision<D> decision,
      Instant now) {
    Span span = Span.current();
    if (!span.isRecording()) {
      return;
    }
    span.setAttribute(SAGA_TYPE, definition.type());
    span.setAttribute(SAGA_VERSION, (long) definition.version());
    describeInput(span, input);
    span.setAttribute(SAGA_VERDICT, decision.verdict().name());
    decision
        .nextState()
        .or(() -> before)
        .ifPresent(s -> span.setAttribute(SAGA_STATUS, s.status().name()));
    for (Outbound.Command command : decision.commands()) {
      span.addEvent(
          command.kind() == CommandKind.COMPENSATION ? "compensation sent" : "command sent",
          Attributes.builder()
              .put(SAGA_STEP, command.step())
              .put(SAGA_ATTEMPT, (long) command.attempt())
              .put(SAGA_COMMAND_ID, command.commandId().toString())
              .put(SAGA_COMMAND_KIND, command.kind().name())
              .put(MESSAGING_DESTINATION, command.topic())
              .build());
    }
    if (decision.verdict() == InputVerdict.APPLIED && before.isPresent()) {
      closeCommand(definition, before.get(), input, now);
    }
  }

  /** Marks {@code span} failed by {@code e}, naming only the exception's class. */
  static void failed(Span span, RuntimeException e) {
    span.setStatus(StatusCode.ERROR, e.getClass().getSimpleName());
    span.setAttribute(ERROR_TYPE, e.getClass().getName());
  }

  /**
   * The {@code traceparent} for the records a decision writes: its own span's when that span is
   * recorded, so a participant's spans hang under the decision that sent the command; otherwise the
   * saga's, unchanged.
   */
  static Optional<String> outboundTraceparent(Optional<String> sagaTraceparent) {
    Span current = Span.current();
    return current.isRecording()
        ? TraceParents.of(current.getSpanContext()).or(() -> sagaTraceparent)
        : sagaTraceparent;
  }

  private static void describeInput(Span span, SagaInput input) {
    if (input instanceof SagaInput.StepReply reply) {
      span.setAttribute(SAGA_STEP, reply.step());
      span.setAttribute(SAGA_ATTEMPT, (long) reply.attempt());
      span.setAttribute(SAGA_COMMAND_ID, reply.commandId().toString());
      span.setAttribute(SAGA_OUTCOME, outcome(reply.outcome()));
    } else if (input instanceof SagaInput.TimerFired fired) {
      Timer timer = fired.timer();
      span.setAttribute(SAGA_TIMER_KIND, timer.kind().name());
      timer.step().ifPresent(s -> span.setAttribute(SAGA_STEP, s));
      span.setAttribute(SAGA_ATTEMPT, (long) timer.attempt());
    } else if (input instanceof SagaInput.OperatorCommand command) {
      span.setAttribute(SAGA_OPERATOR_ACTION, command.action().name());
      command.step().ifPresent(s -> span.setAttribute(SAGA_STEP, s));
    }
  }

  private <D> void closeCommand(
      SagaDefinition<D> definition, SagaState<D> before, SagaInput input, Instant now) {
    if (input instanceof SagaInput.StepReply reply) {
      CommandKind kind =
          before.step(reply.step()).filter(s -> s.awaits(CommandKind.COMPENSATION)).isPresent()
              ? CommandKind.COMPENSATION
              : CommandKind.ACTION;
      Span span =
          commandSpan(
              definition, before, reply.step(), reply.attempt(), kind, reply.commandId(), now);
      span.setAttribute(SAGA_OUTCOME, outcome(reply.outcome()));
      errorCode(reply.outcome())
          .ifPresent(
              code -> {
                span.setAttribute(SAGA_ERROR_CODE, code);
                span.setStatus(StatusCode.ERROR, code);
              });
      span.end(now);
    } else if (input instanceof SagaInput.TimerFired fired
        && fired.timer().step().isPresent()
        && (fired.timer().kind() == TimerKind.STEP_TIMEOUT
            || fired.timer().kind() == TimerKind.COMPENSATION_TIMEOUT)) {
      Timer timer = fired.timer();
      String step = timer.step().get();
      CommandKind kind =
          timer.kind() == TimerKind.STEP_TIMEOUT ? CommandKind.ACTION : CommandKind.COMPENSATION;
      Optional<UUID> commandId = before.step(step).flatMap(StepState::commandId);
      Span span =
          commandSpan(definition, before, step, timer.attempt(), kind, commandId.orElse(null), now);
      span.setAttribute(SAGA_OUTCOME, "TIMED_OUT");
      span.setStatus(StatusCode.ERROR, "no reply within the step's timeout");
      span.end(now);
    }
  }

  private <D> Span commandSpan(
      SagaDefinition<D> definition,
      SagaState<D> before,
      String step,
      int attempt,
      CommandKind kind,
      UUID commandId,
      Instant now) {
    boolean compensation = kind == CommandKind.COMPENSATION;
    String saga = before.traceparent().orElseGet(() -> TraceParents.derived(before.sagaId()));
    SpanBuilder builder =
        tracer
            .spanBuilder((compensation ? "compensate " : "command ") + step)
            .setParent(TraceParents.context(saga))
            .setSpanKind(SpanKind.INTERNAL)
            .setStartTimestamp(sentAt(definition, before, step, attempt, kind).orElse(now))
            .setAttribute(SAGA_ID, before.sagaId())
            .setAttribute(SAGA_TYPE, before.type())
            .setAttribute(SAGA_VERSION, (long) before.definitionVersion())
            .setAttribute(SAGA_STEP, step)
            .setAttribute(SAGA_ATTEMPT, (long) attempt)
            .setAttribute(SAGA_COMMAND_KIND, kind.name())
            .setAttribute(SAGA_COMPENSATION, compensation);
    if (commandId != null) {
      builder.setAttribute(SAGA_COMMAND_ID, commandId.toString());
    }
    return builder.startSpan();
  }

  /**
   * When the command went out: its timeout timer is scheduled at the emission's {@code now} plus
   * the step's timeout, and stays in the state, unmoved, until the reply or the timeout.
   */
  private static <D> Optional<Instant> sentAt(
      SagaDefinition<D> definition,
      SagaState<D> before,
      String step,
      int attempt,
      CommandKind kind) {
    TimerKind timeout =
        kind == CommandKind.ACTION ? TimerKind.STEP_TIMEOUT : TimerKind.COMPENSATION_TIMEOUT;
    Optional<Duration> stepTimeout =
        definition.indexOf(step).map(i -> definition.steps().get(i).timeout());
    return stepTimeout.flatMap(
        limit ->
            before.pendingTimers().stream()
                .filter(
                    t ->
                        t.kind() == timeout
                            && t.attempt() == attempt
                            && t.step().equals(Optional.of(step)))
                .findFirst()
                .map(t -> t.dueAt().minus(limit)));
  }

  private static String outcome(Outcome outcome) {
    if (outcome instanceof Outcome.Succeeded) {
      return "SUCCEEDED";
    } else if (outcome instanceof Outcome.BusinessFailure) {
      return "BUSINESS_FAILURE";
    }
    return "RETRIABLE_FAILURE";
  }

  private static Optional<String> errorCode(Outcome outcome) {
    if (outcome instanceof Outcome.BusinessFailure failure) {
      return Optional.of(failure.code());
    } else if (outcome instanceof Outcome.RetriableFailure failure) {
      return Optional.of(failure.code());
    }
    return Optional.empty();
  }
}
