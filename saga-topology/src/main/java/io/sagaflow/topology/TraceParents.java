package io.sagaflow.topology;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.sagaflow.engine.Ids;
import io.sagaflow.serde.SagaHeaders;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;

/**
 * W3C {@code traceparent} values of sagas. Every saga has one trace: the context its start request
 * carried, or, when it carried none, one derived from the saga id alone. Derived rather than random
 * so the engine's input, and therefore its state and every record it writes, stays a function of
 * the records it read: a replay or a restore yields the same bytes.
 */
public final class TraceParents {
  private static final HexFormat HEX = HexFormat.of();
  private static final String ONE_SPAN_ID = "0000000000000001";

  private TraceParents() {}

  /**
   * The trace context of a saga whose start carried none: trace id and parent span id are
   * name-based hashes of the saga id, flagged sampled so every saga is traced unless the sampler
   * says otherwise ({@code OTEL_TRACES_SAMPLER=traceidratio} decides on the trace id alone).
   */
  public static String derived(String sagaId) {
    String traceId = HEX.formatHex(bytes(nameUuid("trace:" + sagaId)));
    String spanId = HEX.formatHex(bytes(nameUuid("span:" + sagaId))).substring(0, 16);
    // All-zero ids are invalid in W3C trace context; a hash yields one with odds of 2^-64.
    if (spanId.chars().allMatch(c -> c == '0')) {
      spanId = ONE_SPAN_ID;
    }
    return "00-" + traceId + "-" + spanId + "-01";
  }

  /** The trace id of a {@code traceparent} value, if it is well formed. */
  public static Optional<String> traceId(String traceparent) {
    SpanContext parsed = Span.fromContext(context(traceparent)).getSpanContext();
    return parsed.isValid() ? Optional.of(parsed.getTraceId()) : Optional.empty();
  }

  /** {@code traceparent} as the remote parent of spans; the root context when it is not valid. */
  public static Context context(String traceparent) {
    return W3CTraceContextPropagator.getInstance()
        .extract(Context.root(), traceparent, SingleHeader.INSTANCE);
  }

  /** The {@code traceparent} of a valid span context. */
  public static Optional<String> of(SpanContext span) {
    if (!span.isValid()) {
      return Optional.empty();
    }
    return Optional.of(
        "00-" + span.getTraceId() + "-" + span.getSpanId() + "-" + span.getTraceFlags().asHex());
  }

  private static UUID nameUuid(String name) {
    return Ids.nameBased(name.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] bytes(UUID uuid) {
    return ByteBuffer.allocate(16)
        .putLong(uuid.getMostSignificantBits())
        .putLong(uuid.getLeastSignificantBits())
        .array();
  }

  /** A carrier that is one {@code traceparent} value. */
  private enum SingleHeader implements TextMapGetter<String> {
    INSTANCE;

    @Override
    public String get(String carrier, String key) {
      return SagaHeaders.TRACEPARENT.equals(key) ? carrier : null;
    }
  }
}
