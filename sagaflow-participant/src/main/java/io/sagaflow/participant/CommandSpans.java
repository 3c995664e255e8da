package io.sagaflow.participant;

import static io.sagaflow.topology.SagaSpanAttributes.MESSAGING_DESTINATION;
import static io.sagaflow.topology.SagaSpanAttributes.SAGA_ATTEMPT;
import static io.sagaflow.topology.SagaSpanAttributes.SAGA_COMMAND_ID;
import static io.sagaflow.topology.SagaSpanAttributes.SAGA_COMMAND_KIND;
import static io.sagaflow.topology.SagaSpanAttributes.SAGA_COMPENSATION;
import static io.sagaflow.topology.SagaSpanAttributes.SAGA_ERROR_CODE;
import static io.sagaflow.topology.SagaSpanAttributes.SAGA_ID;
import static io.sagaflow.topology.SagaSpanAttributes.SAGA_OUTCOME;
import static io.sagaflow.topology.SagaSpanAttributes.SAGA_STEP;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.sagaflow.engine.CommandKind;
import io.sagaflow.topology.TraceParents;

/**
 * A participant's span per command it processes, a child of the command's {@code traceparent} so it
 * joins the saga's trace; made here from the header rather than by a consumer interceptor, which
 * would see a whole batch at once. With the no-op API (no SDK) it records nothing and the reply
 * echoes the command's {@code traceparent} unchanged.
 */
final class CommandSpans {
  static final String INSTRUMENTATION_SCOPE = "io.sagaflow.participant";
  private static final AttributeKey<String> MESSAGING_SYSTEM =
      AttributeKey.stringKey("messaging.system");
  private static final AttributeKey<String> MESSAGING_OPERATION =
      AttributeKey.stringKey("messaging.operation.type");

  /** True on the span of a command answered again from the ledger, its handler not called. */
  static final AttributeKey<Boolean> REDELIVERED = AttributeKey.booleanKey("saga.redelivered");

  private final Tracer tracer;

  CommandSpans(OpenTelemetry openTelemetry) {
    this.tracer = openTelemetry.getTracer(INSTRUMENTATION_SCOPE);
  }

  /** Starts the span of processing the command read from {@code topic} with {@code headers}. */
  Span start(String topic, CommandHeaders headers) {
    Context parent = headers.traceparent().map(TraceParents::context).orElseGet(Context::current);
    boolean compensation = headers.kind() == CommandKind.COMPENSATION;
    return tracer
        .spanBuilder(topic + " process")
        .setParent(parent)
        .setSpanKind(SpanKind.CONSUMER)
        .setAttribute(MESSAGING_SYSTEM, "kafka")
        .setAttribute(MESSAGING_OPERATION, "process")
        .setAttribute(MESSAGING_DESTINATION, topic)
        .setAttribute(SAGA_ID, headers.sagaId())
        .setAttribute(SAGA_STEP, headers.step())
        .setAttribute(SAGA_ATTEMPT, (long) headers.attempt())
        .setAttribute(SAGA_COMMAND_ID, headers.commandId().toString())
        .setAttribute(SAGA_COMMAND_KIND, headers.kind().name())
        .setAttribute(SAGA_COMPENSATION, compensation)
        .startSpan();
  }

  /**
   * {@code headers} with the {@code traceparent} of {@code span} when it is recorded, so the reply
   * and whatever the handler sends on hang under it; unchanged otherwise.
   */
  static CommandHeaders joined(CommandHeaders headers, Span span) {
    if (!span.isRecording()) {
      return headers;
    }
    return new CommandHeaders(
        headers.sagaId(),
        headers.commandId(),
        headers.step(),
        headers.attempt(),
        headers.kind(),
        headers.replyTopic(),
        TraceParents.of(span.getSpanContext()).or(headers::traceparent));
  }

  /** Records on {@code span} how the handler answered. */
  static void answered(Span span, Reply reply) {
    if (reply instanceof Reply.Success) {
      span.setAttribute(SAGA_OUTCOME, "SUCCEEDED");
    } else if (reply instanceof Reply.BusinessFailure failure) {
      span.setAttribute(SAGA_OUTCOME, "BUSINESS_FAILURE");
      span.setAttribute(SAGA_ERROR_CODE, failure.code());
      span.setStatus(StatusCode.ERROR, failure.code());
    } else if (reply instanceof Reply.RetriableFailure failure) {
      span.setAttribute(SAGA_OUTCOME, "RETRIABLE_FAILURE");
      span.setAttribute(SAGA_ERROR_CODE, failure.code());
      span.setStatus(StatusCode.ERROR, failure.code());
    } else {
      span.setAttribute(SAGA_OUTCOME, "NO_REPLY");
    }
  }
}
