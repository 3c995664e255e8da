package io.sagaflow.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.Span;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TracingTest {
  @Test
  void shouldStayOffWithoutAnExporterSetting() {
    // Given an environment naming only a service, no endpoint or exporter
    try (Tracing tracing = Tracing.from(Map.of("OTEL_SERVICE_NAME", "orders"), Map.of())) {
      // Then nothing is recorded
      Span span = tracing.openTelemetry().getTracer("t").spanBuilder("s").startSpan();
      assertThat(tracing.enabled()).isFalse();
      assertThat(span.isRecording()).isFalse();
    }
  }

  @Test
  void shouldRecordOnceAnExporterIsConfigured() {
    // Given an OTLP endpoint set, as an operator would (nothing listens there: no span is ended,
    // so nothing is sent)
    try (Tracing tracing =
        Tracing.from(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9"), Map.of())) {
      // Then the autoconfigured SDK records spans
      Span span = tracing.openTelemetry().getTracer("t").spanBuilder("s").startSpan();
      assertThat(tracing.enabled()).isTrue();
      assertThat(span.isRecording()).isTrue();
    }
  }
}
