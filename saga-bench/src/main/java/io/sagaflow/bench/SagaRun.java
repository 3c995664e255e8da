package io.sagaflow.bench;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.instrumentation.kafkaclients.v2_6.KafkaTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.sagaflow.app.SagaPublishInterceptor;
import io.sagaflow.app.config.ConfigLoader;
import io.sagaflow.app.config.SagaflowConfig;
import io.sagaflow.app.demo.StartRequests;
import io.sagaflow.app.modules.SagaModules;
import io.sagaflow.app.participants.SimulatedParticipants;
import io.sagaflow.contract.SagaEvent;
import io.sagaflow.embedded.kafka.EmbeddedKafkaBroker;
import io.sagaflow.engine.SagaRegistry;
import io.sagaflow.examples.order.OrderFulfilmentModule;
import io.sagaflow.serde.SchemaRegistry;
import io.sagaflow.topology.BoundedMemoryRocksDbConfig;
import io.sagaflow.topology.SagaCounters;
import io.sagaflow.topology.SagaMetric;
import io.sagaflow.topology.SagaStreamsConfig;
import io.sagaflow.topology.SagaTopics;
import io.sagaflow.topology.SagaTopology;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

/**
 * One measured run of the saga processor: N orders are queued on saga.requests, then the simulated
 * participants and the processor start, and the run ends when every saga has ended.
 */
final class SagaRun {
  private final EmbeddedKafkaBroker broker;
  private final BenchTopics topics;
  private final SchemaRegistry schemas;
  private final int streamThreads;
  private final OpenTelemetry tracing;

  SagaRun(
      EmbeddedKafkaBroker broker, BenchTopics topics, SchemaRegistry schemas, int streamThreads) {
    this(broker, topics, schemas, streamThreads, OpenTelemetry.noop());
  }

  /**
   * A run whose processor and participants trace into {@code tracing}, with the Kafka producer
   * instrumentation installed as the app installs it.
   */
  SagaRun(
      EmbeddedKafkaBroker broker,
      BenchTopics topics,
      SchemaRegistry schemas,
      int streamThreads,
      OpenTelemetry tracing) {
    this.broker = broker;
    this.topics = topics;
    this.schemas = schemas;
    this.streamThreads = streamThreads;
    this.tracing = tracing;
  }

  // The participants are a resource only for their lifetime: they answer commands while it lasts.
  @SuppressWarnings("try")
  Result run(String label, int sagas, double declineRate, int preloaded) throws Exception {
    String appId = "bench-" + label;
    // The order example only: the benchmark's figures are for its five-step saga.
    SagaModules modules = SagaModules.ofModules(List.of(new OrderFulfilmentModule()), "bench");
    SagaRegistry registry = modules.registry();
    SagaflowConfig config =
        ConfigLoader.load(
            Map.of(),
            Map.of(
                "saga.mode", "external",
                "saga.env", "preview",
                "kafka.bootstrap.servers", broker.bootstrapServers(),
                "kafka.application.id", appId,
                "saga.schema.registry.url", "http://unused.invalid",
                "saga.participants.latency.ms", "0",
                "saga.participants.decline.rate", Double.toString(declineRate),
                "saga.participants.seed", "42"));
    if (preloaded > 0) {
      String changelog = topics.create(appId + "-" + SagaTopology.STATE_STORE + "-changelog", 4);
      StatePreloader.preload(broker.bootstrapServers(), changelog, schemas, preloaded);
    }

    SagaCounters counters = new SagaCounters();
    SagaTopology.Settings settings =
        SagaTopology.Settings.of(schemas, true, counters).withOpenTelemetry(tracing);
    Properties props = SagaStreamsConfig.create(Map.of(), settings.deadLetters());
    if (tracing instanceof OpenTelemetrySdk) {
      props.putAll(SagaPublishInterceptor.streamsSettings(KafkaTelemetry.create(tracing)));
    }
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, appId);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, Integer.toString(streamThreads));
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100");
    props.put(StreamsConfig.STATE_DIR_CONFIG, topics.stateDir(label).toString());

    EventStats stats = new EventStats();
    try (SimulatedParticipants participants =
            SimulatedParticipants.start(config, schemas, modules, tracing);
        KafkaStreams streams = new KafkaStreams(SagaTopology.build(registry, settings), props)) {
      streams.start();
      awaitRunning(streams);
      // Orders are sent only once every consumer is in place, so the clock measures processing,
      // not the few seconds of group joins at start-up.
      ParticipantGroups.awaitStable(
          broker.bootstrapServers(),
          List.of("inventory", "payment", "shipping", "notification").stream()
              .map(name -> config.applicationId() + "-" + name)
              .toList(),
          Duration.ofMinutes(2));
      long start = System.nanoTime();
      CpuBreakdown cpu = CpuBreakdown.start(CpuBreakdown.sagaRoles(appId));
      List<String> ids = IntStream.range(0, sagas).mapToObj(i -> label + "-" + i).toList();
      try (StartRequests starts = new StartRequests(config, schemas, 42, modules.classLoader())) {
        starts.send(modules.demoData().get(0), ids, () -> {});
      }
      readEvents(stats, sagas, Duration.ofMinutes(15));
      double seconds = (System.nanoTime() - start) / 1e9;
      CpuBreakdown.Usage cpuUse = cpu.measure();
      long inputs = counters.total(SagaMetric.INPUT);
      System.gc();
      long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      Result result =
          new Result(
              label,
              sagas,
              preloaded,
              seconds,
              inputs,
              stats,
              heap,
              BoundedMemoryRocksDbConfig.usedBytes(),
              BoundedMemoryRocksDbConfig.boundBytes());
      System.out.printf(
          java.util.Locale.ROOT,
          "  %s stream threads and their producers: %.1f s CPU in %.1f s wall (%.0f%% of a core); %s%n",
          label,
          cpuUse.seconds(CpuBreakdown.PROCESSOR),
          seconds,
          100 * cpuUse.seconds(CpuBreakdown.PROCESSOR) / seconds,
          StreamsTimings.describe(streams));
      System.out.printf("  %s %s%n", label, cpuUse.describe());
      streams.close(Duration.ofSeconds(30));
      return result;
    }
  }

  private static void awaitRunning(KafkaStreams streams) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
    while (streams.state() != KafkaStreams.State.RUNNING) {
      if (System.nanoTime() > deadline || !streams.state().isRunningOrRebalancing()) {
        throw new IllegalStateException("Streams did not reach RUNNING: " + streams.state());
      }
      Thread.sleep(50);
    }
  }

  private void readEvents(EventStats stats, int sagas, Duration timeout) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-events-" + System.nanoTime());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    long deadline = System.nanoTime() + timeout.toNanos();
    try (KafkaConsumer<String, SagaEvent> consumer =
        new KafkaConsumer<>(
            props, new StringDeserializer(), SagaTopics.EVENT_RECORDS.deserializer(schemas))) {
      consumer.subscribe(List.of(SagaTopics.EVENTS));
      while (stats.ended() < sagas) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "Only " + stats.ended() + " of " + sagas + " sagas ended within " + timeout);
        }
        for (ConsumerRecord<String, SagaEvent> r : consumer.poll(Duration.ofMillis(100))) {
          stats.accept(r.value());
        }
      }
    }
  }

  /** What one run measured. */
  record Result(
      String label,
      int sagas,
      int preloaded,
      double seconds,
      long inputs,
      EventStats stats,
      long heapBytes,
      long rocksUsedBytes,
      long rocksBoundBytes) {

    double sagasPerSecond() {
      return sagas / seconds;
    }

    double inputsPerSecond() {
      return inputs / seconds;
    }

    List<String> row() {
      List<String> cells = new ArrayList<>();
      cells.add(label);
      cells.add(String.format("%,d", preloaded));
      cells.add(String.format("%,d", sagas));
      cells.add(
          String.format(
              "%d / %d / %d", stats.completed(), stats.compensated(), stats.failedOrStuck()));
      cells.add(String.format("%.0f", sagasPerSecond()));
      cells.add(String.format("%.0f", stats.steps() / seconds));
      cells.add(String.format("%.0f", inputsPerSecond()));
      cells.add(stats.stepPercentile(50) + " / " + stats.stepPercentile(99));
      cells.add(Long.toString(stats.sagaPercentile(99)));
      cells.add(heapBytes / (1024 * 1024) + " MiB");
      cells.add(rocksUsedBytes / (1024 * 1024) + " / " + rocksBoundBytes / (1024 * 1024) + " MiB");
      return cells;
    }
  }
}
