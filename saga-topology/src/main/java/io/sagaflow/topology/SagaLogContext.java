package io.sagaflow.topology;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.sagaflow.serde.SagaHeaders;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.slf4j.MDC;

/**
 * The saga a thread is working on, in the logging MDC for as long as it is open: every line logged
 * meanwhile, by Sagaflow or by a saga definition's own code, names the saga, its type, step and
 * attempt, and the trace and span, so an operator can go from any log line to the saga's status and
 * trace. Opened in one place per unit of work (the coordinator around each input and each timer,
 * the participant kit around each command) with try-with-resources, so a thread never carries one
 * saga's keys into the next saga's lines.
 *
 * <p>Keys are the span attributes' names ({@code saga.id}, {@code saga.type}, {@code saga.step},
 * {@code saga.attempt}) and OpenTelemetry's log correlation names ({@code trace_id}, {@code
 * span_id}). The trace comes from the span that is current when the context opens, or else from the
 * saga's W3C {@code traceparent}; the span id only from a current, valid span (the traceparent's
 * parent id is the caller's span, not the one this work runs in). Values are identifiers, never
 * saga data, so nothing here needs redaction.
 */
public final class SagaLogContext implements AutoCloseable {
  /** MDC key of the saga id. */
  public static final String SAGA_ID = "saga.id";

  /** MDC key of the saga type. */
  public static final String SAGA_TYPE = "saga.type";

  /** MDC key of the step's name. */
  public static final String SAGA_STEP = "saga.step";

  /** MDC key of the step's attempt. */
  public static final String SAGA_ATTEMPT = "saga.attempt";

  /** MDC key of the W3C trace id (32 hex digits). */
  public static final String TRACE_ID = "trace_id";

  /** MDC key of the current span's id (16 hex digits). */
  public static final String SPAN_ID = "span_id";

  // version (2 hex) - trace id (32) - parent id (16) - flags (2)
  private static final int TRACEPARENT_LENGTH = 55;

  private final List<String> keys = new ArrayList<>();

  private SagaLogContext() {}

  /** Opens a context for {@code sagaId}; add what is known with the {@code with*} methods. */
  public static SagaLogContext open(String sagaId) {
    SagaLogContext context = new SagaLogContext();
    context.put(SAGA_ID, sagaId);
    return context.withCurrentSpan();
  }

  /**
   * Opens a context with only the ids of the span current now, for code that makes a span current
   * inside a context opened before it: closing it removes those ids, and the enclosing context
   * closes right after.
   */
  public static SagaLogContext ofCurrentSpan() {
    return new SagaLogContext().withCurrentSpan();
  }

  /** Takes the trace and span ids of the span current now, if it is valid. */
  public SagaLogContext withCurrentSpan() {
    SpanContext span = Span.current().getSpanContext();
    if (span.isValid()) {
      put(TRACE_ID, span.getTraceId());
      put(SPAN_ID, span.getSpanId());
    }
    return this;
  }

  /**
   * Opens a context from a command's or input's headers: the saga id ({@code ce_subject}), step,
   * attempt and trace context; {@code fallbackSagaId} (the record key) when {@code ce_subject} is
   * missing.
   */
  public static SagaLogContext fromHeaders(Headers headers, String fallbackSagaId) {
    SagaLogContext context =
        open(header(headers, SagaHeaders.CE_SUBJECT).orElse(fallbackSagaId))
            .withStep(header(headers, SagaHeaders.SAGA_STEP));
    header(headers, SagaHeaders.SAGA_ATTEMPT).ifPresent(a -> context.put(SAGA_ATTEMPT, a));
    return context.withTraceparent(header(headers, SagaHeaders.TRACEPARENT));
  }

  /** Adds the saga type. */
  public SagaLogContext withType(Optional<String> type) {
    type.ifPresent(t -> put(SAGA_TYPE, t));
    return this;
  }

  /** Adds the step. */
  public SagaLogContext withStep(Optional<String> step) {
    step.ifPresent(s -> put(SAGA_STEP, s));
    return this;
  }

  /** Adds the attempt. */
  public SagaLogContext withAttempt(Optional<Integer> attempt) {
    attempt.ifPresent(a -> put(SAGA_ATTEMPT, Integer.toString(a)));
    return this;
  }

  /**
   * Adds the trace id of a W3C {@code traceparent}, unless a current span already gave one. A value
   * that is not a traceparent is ignored: it came from a producer, and a log line is no place to
   * reject it.
   */
  public SagaLogContext withTraceparent(Optional<String> traceparent) {
    if (keys.contains(TRACE_ID) || traceparent.isEmpty()) {
      return this;
    }
    String value = traceparent.get();
    if (isTraceparent(value)) {
      put(TRACE_ID, value.substring(3, 35));
    }
    return this;
  }

  /**
   * Whether {@code value} has the shape {@code vv-<32 hex>-<16 hex>-ff} in lower-case hex. Checked
   * by hand: a regular expression's match took 3.9% of a participant's CPU samples, once per
   * command.
   */
  static boolean isTraceparent(String value) {
    if (value.length() != TRACEPARENT_LENGTH) {
      return false;
    }
    for (int i = 0; i < TRACEPARENT_LENGTH; i++) {
      char c = value.charAt(i);
      boolean separator = i == 2 || i == 35 || i == 52;
      boolean ok = separator ? c == '-' : (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** Removes every key this context put. */
  @Override
  public void close() {
    keys.forEach(MDC::remove);
  }

  private void put(String key, String value) {
    if (value != null) {
      MDC.put(key, value);
      if (!keys.contains(key)) {
        keys.add(key);
      }
    }
  }

  private static Optional<String> header(Headers headers, String name) {
    Header header = headers == null ? null : headers.lastHeader(name);
    return header == null || header.value() == null
        ? Optional.empty()
        : Optional.of(new String(header.value(), StandardCharsets.UTF_8));
  }
}
