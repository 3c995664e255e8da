package io.sagaflow.api;

import io.javalin.http.Context;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.sagaflow.topology.SagaCounters;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Prometheus metrics: Kafka Streams' own metrics through Micrometer's binder, and the processor's
 * {@link SagaCounters}. Counter names are {@code <group>.<kind>} ({@code input.DUPLICATE}, {@code
 * dead-letter.UNDECODABLE}); each becomes {@code sagaflow_<group>_total{kind="<kind>"}}, registered
 * the first time a scrape sees it, since counters appear as the processor first counts.
 */
final class Metrics implements AutoCloseable {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Optional<KafkaStreamsMetrics> streamsMetrics;
  private final SagaCounters counters;
  private final Set<String> bound = ConcurrentHashMap.newKeySet();

  private Metrics(Optional<KafkaStreamsMetrics> streamsMetrics, SagaCounters counters) {
    this.counters = counters;
    this.streamsMetrics = streamsMetrics;
    streamsMetrics.ifPresent(m -> m.bindTo(registry));
  }

  /** Streams' meters and the processor's counters. */
  static Metrics of(KafkaStreams streams, SagaCounters counters) {
    return new Metrics(Optional.of(new KafkaStreamsMetrics(streams)), counters);
  }

  /** For an instance without a processor: nothing counts, so the scrape is empty but valid. */
  static Metrics withoutProcessor() {
    return new Metrics(Optional.empty(), new SagaCounters());
  }

  void scrape(Context ctx) {
    counters.snapshot().keySet().forEach(this::bind);
    ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(registry.scrape());
  }

  private void bind(String name) {
    if (!bound.add(name)) {
      return;
    }
    int dot = name.indexOf('.');
    String group = dot < 0 ? name : name.substring(0, dot);
    String kind = dot < 0 ? "" : name.substring(dot + 1);
    FunctionCounter.builder("sagaflow." + group, counters, c -> c.get(name))
        .tag("kind", kind)
        .description("Saga processor counter " + group + " by kind")
        .register(registry);
  }

  @Override
  public void close() {
    streamsMetrics.ifPresent(KafkaStreamsMetrics::close);
    registry.close();
  }
}
