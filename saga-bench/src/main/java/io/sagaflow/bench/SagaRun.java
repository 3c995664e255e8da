package io.sagaflow.bench;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.instrumentation.kafkaclients.v2_6.KafkaTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.sagaflow.app.SagaPublishInterceptor;
import io.sagaflow.app.config.ConfigLoader;
import io.sagaflow.app.config.SagaflowConfig;
import io.sagaflow.app.demo.StartRequests;
import io.sagaflow.app.modules.SagaModules;
import io.sagaflow.contract.SagaEvent;
import io.sagaflow.embedded.kafka.EmbeddedKafkaBroker;
import io.sagaflow.engine.SagaRegistry;
import io.sagaflow.examples.order.OrderFulfilmentModule;
import io.sagaflow.serde.SagaHeaders;
import io.sagaflow.serde.SchemaRegistry;
import io.sagaflow.topology.BoundedMemoryRocksDbConfig;
import io.sagaflow.topology.SagaCounters;
import io.sagaflow.topology.SagaMetric;
import io.sagaflow.topology.SagaStreamsConfig;
import io.sagaflow.topology.SagaTopics;
import io.sagaflow.topology.SagaTopology;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

/**
 * One measured run of the saga processor: the simulated participants and the processor start, then
 * orders go to saga.requests, all at once ({@link Load#burst}) or at a fixed rate ({@link
 * Load#open}), and the run ends when every saga has ended.
 */
final class SagaRun {
  /** The system property prefix of a Streams setting the saga phases override. */
  static final String STREAMS_OVERRIDE = "bench.streams.";

  private final EmbeddedKafkaBroker broker;
  private final BenchTopics topics;
  private final SchemaRegistry schemas;
  private final int streamThreads;
  private final OpenTelemetry tracing;
  private final Optional<String> ownJvmRegistryUrl;

  /**
   * A run whose processor and participants trace into {@code tracing}, with the Kafka producer
   * instrumentation installed as the app installs it; with {@code ownJvmRegistryUrl} present the
   * participants run untraced in a JVM of their own against that schema registry.
   */
  SagaRun(
      EmbeddedKafkaBroker broker,
      BenchTopics topics,
      SchemaRegistry schemas,
      int streamThreads,
      OpenTelemetry tracing,
      Optional<String> ownJvmRegistryUrl) {
    this.broker = broker;
    this.topics = topics;
    this.schemas = schemas;
    this.streamThreads = streamThreads;
    this.tracing = tracing;
    this.ownJvmRegistryUrl = ownJvmRegistryUrl;
  }

  /**
   * How starts are sent: {@code sagas} at once when {@code ratePerSecond} is 0, else at that rate;
   * sagas started in the first {@code settleSeconds} add no latencies.
   */
  record Load(
      int sagas,
      double ratePerSecond,
      double settleSeconds,
      int commitIntervalMs,
      boolean sampleThreads) {
    static Load burst(int sagas) {
      return new Load(sagas, 0, 0, 100, false);
    }

    /**
     * {@code sampleThreads} turns on the stream threads' wall-clock sampler. It is off by default:
     * each sample is a thread dump, a safepoint that stops every thread of the JVM (broker and
     * participants included), about 200 a second, inside the phase whose latencies it measures.
     */
    static Load open(
        double ratePerSecond, double seconds, int commitIntervalMs, boolean sampleThreads) {
      return new Load(
          (int) Math.round(ratePerSecond * seconds),
          ratePerSecond,
          Math.min(5, seconds / 4),
          commitIntervalMs,
          sampleThreads);
    }

    boolean isOpen() {
      return ratePerSecond > 0;
    }
  }

  /**
   * The configuration the participants (and the start requests) of a phase run with;
   * -Dbench.participants.KEY=VALUE sets their Kafka client setting KEY for an experiment.
   */
  static SagaflowConfig participantConfig(String bootstrap, String appId, double declineRate) {
    Map<String, String> settings = new TreeMap<>();
    BenchMain.overrides(PARTICIPANT_OVERRIDE).forEach((k, v) -> settings.put("kafka." + k, v));
    settings.putAll(
        Map.of(
            "saga.mode", "external",
            "saga.env", "preview",
            "kafka.bootstrap.servers", bootstrap,
            "kafka.application.id", appId,
            "saga.schema.registry.url", "http://unused.invalid",
            "saga.participants.latency.ms", "0",
            "saga.participants.decline.rate", Double.toString(declineRate),
            "saga.participants.seed", "42"));
    return ConfigLoader.load(Map.of(), settings);
  }

  /** The system property prefix of a Kafka client setting of the simulated participants. */
  static final String PARTICIPANT_OVERRIDE = "bench.participants.";

  SagaRunResult run(String label, Load load, double declineRate, int preloaded) throws Exception {
    String appId = "bench-" + label;
    // The order example only: the benchmark's figures are for its five-step saga.
    SagaModules modules = SagaModules.ofModules(List.of(new OrderFulfilmentModule()), "bench");
    SagaRegistry registry = modules.registry();
    SagaflowConfig config = participantConfig(broker.bootstrapServers(), appId, declineRate);
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
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, Integer.toString(load.commitIntervalMs()));
    props.put(StreamsConfig.STATE_DIR_CONFIG, topics.stateDir(label).toString());
    // Experiments with a Streams or client setting need no rebuild: -Dbench.streams.KEY=VALUE.
    props.putAll(BenchMain.overrides(STREAMS_OVERRIDE));
    if (load.isOpen()) {
      ProcessorPolls.clear();
      String key = StreamsConfig.mainConsumerPrefix(ConsumerConfig.INTERCEPTOR_CLASSES_CONFIG);
      Object others = props.get(key);
      props.put(
          key,
          others == null
              ? ProcessorPolls.class.getName()
              : others + "," + ProcessorPolls.class.getName());
    }

    List<String> ids = IntStream.range(0, load.sagas()).mapToObj(i -> label + "-" + i).toList();
    Map<String, Long> sentAt = new ConcurrentHashMap<>();
    Set<String> settling =
        ids.stream()
            .limit((long) (load.settleSeconds() * load.ratePerSecond()))
            .collect(Collectors.toSet());
    EventStats stats =
        new EventStats(id -> !settling.contains(id), id -> sentAt.getOrDefault(id, -1L));
    try (BenchParticipants participants =
            participants(config, schemas, modules, appId, declineRate);
        KafkaStreams streams = new KafkaStreams(SagaTopology.build(registry, settings), props);
        StartRequests starts = new StartRequests(config, schemas, 42, modules.classLoader())) {
      long starting = System.nanoTime();
      streams.start();
      awaitRunning(streams);
      if (preloaded > 0) {
        // The preloaded sagas reach the store through a restore of its changelog, as after a
        // crash: how long it takes is the recovery time of an instance with that many sagas.
        System.out.printf(
            Locale.ROOT,
            "  %s: %,d finished sagas restored into the store, RUNNING after %.1f s%n",
            label,
            preloaded,
            (System.nanoTime() - starting) / 1e9);
      }
      // Orders are sent only once every consumer is in place, so the clock measures processing,
      // not the few seconds of group joins at start-up.
      ParticipantGroups.awaitStable(
          broker.bootstrapServers(),
          List.of("inventory", "payment", "shipping", "notification").stream()
              .map(name -> config.applicationId() + "-" + name)
              .toList(),
          Duration.ofMinutes(2));
      Map<String, Long> offsetsBefore = LogEndOffsets.byTopic(broker.bootstrapServers());
      Map<ProducerTotals.Key, ProducerTotals.Sent> sentBefore = sent(participants);
      Optional<Long> participantsCpuBefore = participants.ownProcessCpuNanos();
      // The phases share one JVM: without this, a phase inherits the garbage of the phases before
      // it (an open-loop phase ended with 720 MiB in the old generation, 470 of them garbage),
      // which shrinks the next phase's young generation and makes its GC pauses frequent.
      System.gc();
      long start = System.nanoTime();
      CpuBreakdown cpu = CpuBreakdown.start(CpuBreakdown.sagaRoles(appId));
      StreamThreadSampler waits = load.sampleThreads() ? StreamThreadSampler.start(appId) : null;
      CpuBySecond cpuBySecond =
          load.isOpen() ? CpuBySecond.start(CpuBreakdown.sagaRoles(appId), appId) : null;
      OpenLoopSender sender = null;
      ExecutorService sending = null;
      Future<?> sendingDone = null;
      if (load.isOpen()) {
        sender =
            new OpenLoopSender(
                starts, modules.demoData().get(0), ids, load.ratePerSecond(), sentAt);
        sending = Executors.newSingleThreadExecutor(r -> new Thread(r, appId + "-demo-sender"));
        sendingDone = sending.submit(sender);
      } else {
        starts.send(modules.demoData().get(0), ids, () -> {});
      }
      readEvents(stats, load.sagas(), Duration.ofMinutes(15), load.isOpen());
      double seconds = (System.nanoTime() - start) / 1e9;
      CpuBreakdown.Usage cpuUse = cpu.measure();
      // Read before the System.gc() below: its full pause (150-470 ms) stops every client and the
      // broker at once, and the maxima would report it as the phase's slowest fetch.
      List<String> brokerTimes = load.isOpen() ? BrokerRequestTimes.describe() : List.of();
      List<String> fetchLatencies = load.isOpen() ? FetchLatencies.describe() : List.of();
      if (waits != null) {
        waits.stop();
      }
      Map<Long, String> cpuNotes = Map.of();
      if (cpuBySecond != null) {
        cpuBySecond.close();
        cpuNotes = cpuBySecond.bySecond();
      }
      if (sending != null) {
        sendingDone.get();
        sending.shutdown();
      }
      Optional<Double> participantsCpu =
          participants
              .ownProcessCpuNanos()
              .map(now -> (now - participantsCpuBefore.orElse(0L)) / 1e9);
      KafkaWrites writes =
          new KafkaWrites(
              appId,
              LogEndOffsets.delta(offsetsBefore, LogEndOffsets.byTopic(broker.bootstrapServers())),
              ProducerTotals.delta(sentBefore, sent(participants)));
      long inputs = counters.total(SagaMetric.INPUT);
      System.gc();
      long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      SagaRunResult result =
          new SagaRunResult(
              label,
              load,
              preloaded,
              seconds,
              inputs,
              stats,
              heap,
              BoundedMemoryRocksDbConfig.usedBytes(),
              BoundedMemoryRocksDbConfig.boundBytes(),
              cpuUse,
              participantsCpu,
              writes,
              sender == null ? Double.NaN : sender.sentPerSecond());
      System.out.printf(
          Locale.ROOT,
          "  %s stream threads and their producers: %.1f s CPU in %.1f s wall (%.0f%% of a core); %s%n",
          label,
          cpuUse.seconds(CpuBreakdown.PROCESSOR),
          seconds,
          100 * cpuUse.seconds(CpuBreakdown.PROCESSOR) / seconds,
          StreamsTimings.describe(streams));
      System.out.printf("  %s %s%n", label, cpuUse.describe());
      participantsCpu.ifPresent(
          s ->
              System.out.printf(
                  Locale.ROOT, "  %s participants in their own JVM: %.1f s CPU%n", label, s));
      System.out.printf("  %s%n", result.cpuSummary());
      System.out.printf("  %s%n", writes.summary(label, result.ended()));
      if (load.isOpen()) {
        System.out.printf("  %s step latency per second of the steps' end:%n", label);
        stats
            .stepTimeline(BenchMain.PARTITIONS, cpuNotes, ProcessorPolls.polls())
            .forEach(line -> System.out.printf("    %s%n", line));
        if (waits != null) {
          System.out.printf("  %s where the stream threads spent wall-clock time:%n", label);
          waits.report().forEach(line -> System.out.printf("    %s%n", line));
        }
        System.out.printf("  %s the broker's request times, p99/p99.9/max ms per stage:%n", label);
        brokerTimes.forEach(line -> System.out.printf("    %s%n", line));
        System.out.printf("  %s the consumers' fetch latencies:%n", label);
        fetchLatencies.forEach(line -> System.out.printf("    %s%n", line));
      }
      streams.close(Duration.ofSeconds(30));
      return result;
    }
  }

  private BenchParticipants participants(
      SagaflowConfig config,
      SchemaRegistry schemas,
      SagaModules modules,
      String appId,
      double declineRate)
      throws Exception {
    if (ownJvmRegistryUrl.isPresent()) {
      return ParticipantsProcess.start(
          broker.bootstrapServers(),
          ownJvmRegistryUrl.get(),
          appId,
          declineRate,
          topics.file(appId + "-participants.log"));
    }
    return BenchParticipants.inProcess(config, schemas, modules, tracing);
  }

  private static Map<ProducerTotals.Key, ProducerTotals.Sent> sent(BenchParticipants participants) {
    Map<ProducerTotals.Key, ProducerTotals.Sent> all = new HashMap<>(ProducerTotals.read());
    all.putAll(participants.sentElsewhere());
    return all;
  }

  static void awaitRunning(KafkaStreams streams) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
    while (streams.state() != KafkaStreams.State.RUNNING) {
      if (System.nanoTime() > deadline || !streams.state().isRunningOrRebalancing()) {
        throw new IllegalStateException("Streams did not reach RUNNING: " + streams.state());
      }
      Thread.sleep(50);
    }
  }

  private void readEvents(EventStats stats, int sagas, Duration timeout, boolean withReplies)
      throws InterruptedException {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-events-" + System.nanoTime());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    // As the processor's consumers: a 64 KiB receive buffer can hold a large fetch response back
    // 200 ms on loopback, and the bench's stamps would carry that wait.
    props.put(ConsumerConfig.RECEIVE_BUFFER_CONFIG, SagaStreamsConfig.AUTOTUNED_RECEIVE_BUFFER);
    long deadline = System.nanoTime() + timeout.toNanos();
    AtomicBoolean eventsDone = new AtomicBoolean();
    // The replies get a reader of their own that stamps when each became visible (its
    // participant's transaction committed): polling them between the events' polls would add up to
    // an events poll's wait to that time.
    Thread replyReader =
        withReplies
            ? new Thread(() -> readReplies(stats, props, eventsDone), "bench-replies")
            : null;
    if (replyReader != null) {
      replyReader.setDaemon(true);
      replyReader.start();
    }
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
    } finally {
      eventsDone.set(true);
      if (replyReader != null) {
        replyReader.join(Duration.ofSeconds(30).toMillis());
      }
    }
  }

  /** Reads saga.replies until the events are read and a second passes without a reply. */
  private static void readReplies(EventStats stats, Properties common, AtomicBoolean eventsDone) {
    Properties props = new Properties();
    props.putAll(common);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-replies-" + System.nanoTime());
    // A short wait keeps the visibility stamp within a few milliseconds of the commit.
    props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "5");
    try (KafkaConsumer<String, byte[]> replies =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      // Assigned, not subscribed: no group join delays the first stamps.
      List<TopicPartition> partitions =
          replies.partitionsFor(SagaTopics.REPLIES).stream()
              .map(info -> new TopicPartition(info.topic(), info.partition()))
              .toList();
      replies.assign(partitions);
      replies.seekToBeginning(partitions);
      long quietSince = System.nanoTime();
      while (!eventsDone.get() || System.nanoTime() - quietSince < 1_000_000_000L) {
        ConsumerRecords<String, byte[]> batch = replies.poll(Duration.ofMillis(50));
        long visible = System.currentTimeMillis();
        if (!batch.isEmpty()) {
          quietSince = System.nanoTime();
        }
        batch.forEach(r -> replySent(stats, r, visible));
      }
    }
  }

  private static void replySent(
      EventStats stats, ConsumerRecord<String, byte[]> reply, long visibleMillis) {
    Header step = reply.headers().lastHeader(SagaHeaders.SAGA_STEP);
    Header attempt = reply.headers().lastHeader(SagaHeaders.SAGA_ATTEMPT);
    Header sent = reply.headers().lastHeader(SagaHeaders.CE_TIME);
    if (step != null && attempt != null && sent != null) {
      stats.replySent(
          reply.key(),
          new String(step.value(), StandardCharsets.UTF_8),
          Integer.parseInt(new String(attempt.value(), StandardCharsets.UTF_8)),
          Instant.parse(new String(sent.value(), StandardCharsets.UTF_8)).toEpochMilli(),
          reply.timestamp(),
          visibleMillis,
          reply.partition(),
          reply.offset());
    }
  }
}
