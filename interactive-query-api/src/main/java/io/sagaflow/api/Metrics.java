package io.sagaflow.api;

import io.javalin.http.Context;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.sagaflow.topology.SagaCounters;
import io.sagaflow.topology.SagaMetric;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prometheus metrics: Kafka Streams' own metrics through Micrometer's binder, and the processor's
 * {@link SagaCounters}, named and described by the {@link SagaMetric} catalogue: {@code
 * input.DUPLICATE} becomes {@code sagaflow_input_total{kind="DUPLICATE"}}. Each is registered the
 * first time a scrape sees it, since counters appear as the processor first counts. Stream thread
 * replacements are {@code sagaflow_stream_thread_replacements_total}.
 */
final class Metrics implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Metrics.class);

  /** Prometheus appends {@code _total}. */
  static final String THREAD_REPLACEMENTS = "sagaflow.stream.thread.replacements";

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

  /** Streams' meters, the processor's counters and its stream thread replacements. */
  static Metrics of(
      KafkaStreams streams, SagaCounters counters, StreamThreadReplacements replacements) {
    Metrics metrics = new Metrics(Optional.of(new KafkaStreamsMetrics(streams)), counters);
    FunctionCounter.builder(THREAD_REPLACEMENTS, replacements, StreamThreadReplacements::total)
        .description(
            "Stream threads that died of an uncaught exception and were replaced; more than"
                + " the tolerated number within the window makes /health/ready answer 503")
        .register(metrics.registry);
    return metrics;
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
    Optional<SagaMetric.Counted> parsed = SagaMetric.parse(name);
    if (parsed.isEmpty()) {
      LOG.warn(
          "Counter {} is not in the SagaMetric catalogue, so /metrics does not export it; add an"
              + " entry with its description there",
          name);
      return;
    }
    SagaMetric.Counted counted = parsed.get();
    SagaMetric metric = counted.metric();
    FunctionCounter.builder(metric.meterName(), counters, c -> c.get(name))
        .tag(metric.tag(), counted.kind())
        .description(metric.description())
        .register(registry);
  }

  @Override
  public void close() {
    streamsMetrics.ifPresent(KafkaStreamsMetrics::close);
    registry.close();
  }
}
