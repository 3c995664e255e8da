package io.sagaflow.app;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The app's OpenTelemetry, configured by OpenTelemetry's own conventions ({@code OTEL_*}
 * environment variables or {@code otel.*} system properties, read by the SDK's autoconfigure
 * module). Export is off until one of {@link #EXPORT_SETTINGS} is set: the SDK's own default, an
 * OTLP exporter to {@code localhost:4317}, would log a failed export for every batch on a machine
 * that runs no collector. Only traces are exported unless metrics or logs exporters are named too:
 * metrics are Micrometer's, logs the logging backend's.
 */
final class Tracing implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Tracing.class);

  /** Any of these, as environment variable or system property, switches export on. */
  static final List<String> EXPORT_SETTINGS =
      List.of(
          "otel.exporter.otlp.endpoint",
          "otel.exporter.otlp.traces.endpoint",
          "otel.traces.exporter");

  private static final Map<String, String> DEFAULTS =
      Map.of(
          "otel.service.name", "sagaflow",
          "otel.metrics.exporter", "none",
          "otel.logs.exporter", "none");

  private final OpenTelemetry openTelemetry;
  private final Optional<OpenTelemetrySdk> sdk;

  private Tracing(OpenTelemetry openTelemetry, Optional<OpenTelemetrySdk> sdk) {
    this.openTelemetry = openTelemetry;
    this.sdk = sdk;
  }

  /** Tracing that records nothing: OpenTelemetry's no-op API. */
  static Tracing off() {
    return new Tracing(OpenTelemetry.noop(), Optional.empty());
  }

  /** Tracing to {@code sdk}, which this closes (flushing its spans) when it is closed. */
  static Tracing with(OpenTelemetrySdk sdk) {
    return new Tracing(sdk, Optional.of(sdk));
  }

  /** Tracing as the process's environment and system properties configure it. */
  static Tracing fromEnvironment() {
    return from(System.getenv(), System.getProperties());
  }

  static Tracing from(Map<String, String> environment, Map<Object, Object> systemProperties) {
    Optional<String> switchedOnBy =
        EXPORT_SETTINGS.stream()
            .filter(
                key ->
                    systemProperties.containsKey(key)
                        || environment.containsKey(environmentName(key)))
            .findFirst();
    if (switchedOnBy.isEmpty()) {
      LOG.info(
          "Tracing: no spans exported (set OTEL_EXPORTER_OTLP_ENDPOINT, or OTEL_TRACES_EXPORTER, to"
              + " export them; docs/observability.md)");
      return off();
    }
    OpenTelemetrySdk sdk =
        AutoConfiguredOpenTelemetrySdk.builder()
            .addPropertiesSupplier(() -> properties(environment, systemProperties))
            .build()
            .getOpenTelemetrySdk();
    LOG.info(
        "Tracing: spans exported as OpenTelemetry's settings say ({} is set)",
        environmentName(switchedOnBy.get()));
    return with(sdk);
  }

  /** Where spans go. */
  OpenTelemetry openTelemetry() {
    return openTelemetry;
  }

  /** Whether spans are recorded at all; off, the Kafka instrumentation is not installed. */
  boolean enabled() {
    return sdk.isPresent();
  }

  /** Exports what is buffered and stops the SDK. */
  @Override
  public void close() {
    sdk.ifPresent(s -> s.shutdown().join(10, TimeUnit.SECONDS));
  }

  private static Map<String, String> properties(
      Map<String, String> environment, Map<Object, Object> systemProperties) {
    Map<String, String> defaults = new HashMap<>();
    // The SDK reads the process's environment itself; the given one is passed on as properties so
    // that what decided "on" above is also what configures the SDK.
    environment.forEach(
        (name, value) -> {
          if (name.startsWith("OTEL_")) {
            defaults.put(name.toLowerCase(Locale.ROOT).replace('_', '.'), value);
          }
        });
    DEFAULTS.forEach(
        (key, value) -> {
          if (!systemProperties.containsKey(key)
              && !environment.containsKey(environmentName(key))) {
            defaults.put(key, value);
          }
        });
    return defaults;
  }

  private static String environmentName(String property) {
    return property.replace('.', '_').toUpperCase(Locale.ROOT);
  }
}
