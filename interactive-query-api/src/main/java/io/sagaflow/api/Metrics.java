package io.sagaflow.api;

import io.javalin.http.Context;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.sagaflow.topology.SagaCounters;
import io.sagaflow.topology.SagaMetric;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Prometheus exposition of the process's meters: the {@link SagaMetric} catalogue as the processor
 * records it in {@link SagaCounters#registry()}, Kafka Streams' and the API producer's own metrics
 * through Micrometer's Kafka binders, and the JVM and process binders.
 *
 * <p>The Prometheus registry is the one already added to the counters' registry (the app adds it
 * before Kafka Streams starts, so no timer sample is missed), or one added here.
 */
final class Metrics implements AutoCloseable {
  private final PrometheusMeterRegistry prometheus;
  private final boolean ownsPrometheus;
  private final List<Runnable> closers = new ArrayList<>();

  private Metrics(PrometheusMeterRegistry prometheus, boolean ownsPrometheus) {
    this.prometheus = prometheus;
    this.ownsPrometheus = ownsPrometheus;
  }

  /**
   * The processor's meters, Streams' and {@code producer}'s client metrics, its stream thread
   * replacements and whether it runs, and the JVM's.
   */
  static Metrics of(
      KafkaStreams streams,
      SagaCounters counters,
      StreamThreadReplacements replacements,
      Producer<?, ?> producer) {
    CompositeMeterRegistry registry = counters.registry();
    Optional<PrometheusMeterRegistry> added = prometheusIn(registry);
    Metrics metrics =
        new Metrics(
            added.orElseGet(() -> new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)),
            added.isEmpty());
    if (added.isEmpty()) {
      registry.add(metrics.prometheus);
      metrics.closers.add(() -> registry.remove(metrics.prometheus));
    }
    KafkaStreamsMetrics streamsMetrics = new KafkaStreamsMetrics(streams);
    streamsMetrics.bindTo(registry);
    metrics.closers.add(streamsMetrics::close);
    KafkaClientMetrics producerMetrics = new KafkaClientMetrics(producer);
    producerMetrics.bindTo(registry);
    metrics.closers.add(producerMetrics::close);
    SagaMetric threads = SagaMetric.STREAM_THREAD_REPLACEMENTS;
    FunctionCounter.builder(threads.meterName(), replacements, StreamThreadReplacements::total)
        .description(threads.description())
        .register(registry);
    SagaMetric running = SagaMetric.PROCESSOR_RUNNING;
    Gauge.builder(running.meterName(), streams, s -> s.state().isRunningOrRebalancing() ? 1 : 0)
        .description(running.description())
        .register(registry);
    metrics.bindJvm(registry);
    return metrics;
  }

  /** For an instance without a processor: the JVM's meters only. */
  static Metrics withoutProcessor() {
    Metrics metrics = new Metrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), true);
    metrics.bindJvm(metrics.prometheus);
    return metrics;
  }

  private static Optional<PrometheusMeterRegistry> prometheusIn(CompositeMeterRegistry registry) {
    return registry.getRegistries().stream()
        .filter(PrometheusMeterRegistry.class::isInstance)
        .map(PrometheusMeterRegistry.class::cast)
        .findFirst();
  }

  private void bindJvm(MeterRegistry registry) {
    new JvmMemoryMetrics().bindTo(registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    closers.add(gc::close);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
  }

  void scrape(Context ctx) {
    ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(prometheus.scrape());
  }

  @Override
  public void close() {
    closers.forEach(Runnable::run);
    if (ownsPrometheus) {
      prometheus.close();
    }
  }
}
