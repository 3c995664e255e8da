package io.sagaflow.bench;

import io.opentelemetry.api.OpenTelemetry;
import io.sagaflow.app.config.SagaflowConfig;
import io.sagaflow.app.demo.StartRequests;
import io.sagaflow.app.modules.SagaModules;
import io.sagaflow.contract.SagaEvent;
import io.sagaflow.contract.SagaEventType;
import io.sagaflow.embedded.kafka.EmbeddedKafkaBroker;
import io.sagaflow.embedded.registry.SchemaRegistryServer;
import io.sagaflow.examples.order.OrderFulfilmentModule;
import io.sagaflow.serde.RegistryClientSettings;
import io.sagaflow.serde.SagaEventFacts;
import io.sagaflow.serde.SchemaRegistry;
import io.sagaflow.serde.SchemaRegistryClient;
import io.sagaflow.topology.BoundedMemoryRocksDbConfig;
import io.sagaflow.topology.Retention;
import io.sagaflow.topology.SagaCounters;
import io.sagaflow.topology.SagaMetric;
import io.sagaflow.topology.SagaStreamsConfig;
import io.sagaflow.topology.SagaTopics;
import io.sagaflow.topology.SagaTopology;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleFunction;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The retention soak ({@code scripts/bench soak=1}): the real saga processor with {@code
 * saga.retention.finished} set to minutes, sagas started open-loop at a fixed rate for several
 * retention periods, and the stores sampled as it runs. Without retention the state grows with
 * every saga that ever ran; with it, once the first retention period is over, the store holds only
 * the sagas of the last period (and the open ones), so its entry count, size and memory stay flat
 * while the number of sagas ended keeps rising. The verdict compares the samples of the last
 * retention period with those of the second one (the first is the fill).
 *
 * <p>Arguments: {@code soakMinutes=6 soakRate=150 retention=1m sampleSeconds=15 threads=1
 * scanBudget=1000} (the entries one retention scan of one task visits at most).
 */
final class RetentionSoak {
  private static final int PARTITIONS = 4;
  private static final double FLAT_TOLERANCE = 0.15;

  private RetentionSoak() {}

  static void run(Path work, String[] args) throws Exception {
    int minutes = BenchMain.intArg(args, "soakMinutes", 6);
    int rate = BenchMain.intArg(args, "soakRate", 150);
    int sampleSeconds = BenchMain.intArg(args, "sampleSeconds", 15);
    int threads = BenchMain.intArg(args, "threads", 1);
    int scanBudget = BenchMain.intArg(args, "scanBudget", Retention.DEFAULT_BUDGET);
    if (scanBudget <= 0) {
      throw new IllegalArgumentException("scanBudget must be positive, got " + scanBudget);
    }
    Duration retention = duration(stringArg(args, "retention", "1m"));
    if (minutes * 60L < 3 * retention.toSeconds()) {
      throw new IllegalArgumentException(
          "soakMinutes must cover at least three retention periods (fill, second, last), got "
              + minutes
              + " minutes for a retention of "
              + retention);
    }
    System.out.printf(
        Locale.ROOT,
        "Retention soak: %d sagas/s for %d min, saga.retention.finished=%s (dead letters kept),"
            + " a scan of at most %d entries per task every %d s, %d partitions, %d stream"
            + " thread(s), a sample every %d s%n",
        rate,
        minutes,
        retention,
        scanBudget,
        Retention.DEFAULT_INTERVAL.toSeconds(),
        PARTITIONS,
        threads,
        sampleSeconds);
    String label = "soak";
    try (EmbeddedKafkaBroker broker =
            EmbeddedKafkaBroker.builder().dataDir(work.resolve(label)).build().start();
        SchemaRegistryServer registry =
            SchemaRegistryServer.startOnKafka(0, broker.bootstrapServers())) {
      BenchTopics topics = new BenchTopics(broker, work);
      SagaTopicsSetup.create(topics, PARTITIONS);
      SchemaRegistryClient schemas =
          new SchemaRegistryClient(
              RegistryClientSettings.of("http://127.0.0.1:" + registry.port()));
      List<Sample> samples =
          soak(
              broker,
              topics,
              schemas,
              label,
              rate,
              minutes,
              new Retention(retention, Duration.ZERO, Retention.DEFAULT_INTERVAL, scanBudget),
              sampleSeconds,
              threads);
      verdict(samples, retention);
    }
  }

  private static List<Sample> soak(
      EmbeddedKafkaBroker broker,
      BenchTopics topics,
      SchemaRegistry schemas,
      String label,
      int rate,
      int minutes,
      Retention retention,
      int sampleSeconds,
      int threads)
      throws Exception {
    String appId = "bench-" + label;
    SagaModules modules = SagaModules.ofModules(List.of(new OrderFulfilmentModule()), "bench");
    SagaflowConfig config = SagaRun.participantConfig(broker.bootstrapServers(), appId, 0.0);
    SagaCounters counters = new SagaCounters();
    // Dead letters are kept (ZERO): a soak without failures writes none, and their retention is
    // days, not minutes.
    SagaTopology.Settings settings =
        SagaTopology.Settings.of(schemas, true, counters).withRetention(retention);
    Properties props = SagaStreamsConfig.create(Map.of(), settings.deadLetters());
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, appId);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, Integer.toString(threads));
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100");
    props.put(StreamsConfig.STATE_DIR_CONFIG, topics.stateDir(label).toString());
    // RocksDB's property metrics (estimate-num-keys, total-sst-files-size, size-all-mem-tables)
    // are recorded at INFO; the statistics-based ones would need DEBUG, which this soak does not
    // read. Set explicitly so a changed default cannot silently empty the columns.
    props.put(StreamsConfig.METRICS_RECORDING_LEVEL_CONFIG, "INFO");

    List<String> ids =
        IntStream.range(0, rate * minutes * 60).mapToObj(i -> label + "-" + i).toList();
    Map<String, Long> sentAt = new ConcurrentHashMap<>();
    List<Sample> samples = new ArrayList<>();
    AtomicLong ended = new AtomicLong();
    AtomicBoolean reading = new AtomicBoolean(true);
    ExecutorService background =
        Executors.newFixedThreadPool(2, r -> new Thread(r, appId + "-soak-client"));
    // The participants only answer commands: the soak never calls them, it closes them last.
    BenchParticipants participants =
        BenchParticipants.inProcess(config, schemas, modules, OpenTelemetry.noop());
    try (participants;
        KafkaStreams streams =
            new KafkaStreams(SagaTopology.build(modules.registry(), settings), props);
        StartRequests starts = new StartRequests(config, schemas, 42, modules.classLoader())) {
      streams.start();
      SagaRun.awaitRunning(streams);
      ParticipantGroups.awaitStable(
          broker.bootstrapServers(),
          List.of("inventory", "payment", "shipping", "notification").stream()
              .map(name -> config.applicationId() + "-" + name)
              .toList(),
          Duration.ofMinutes(2));
      Future<?> reader = background.submit(() -> countEnded(broker, schemas, ended, reading));
      OpenLoopSender sender =
          new OpenLoopSender(starts, modules.demoData().get(0), ids, rate, sentAt);
      long start = System.nanoTime();
      Future<?> sending = background.submit(sender);
      System.out.println();
      System.out.println(Sample.HEADER);
      System.out.println(Sample.RULE);
      long next = start;
      while (!sending.isDone()) {
        next += TimeUnit.SECONDS.toNanos(sampleSeconds);
        while (!sending.isDone() && System.nanoTime() < next) {
          // Pacing the samples, not waiting for a condition.
          TimeUnit.MILLISECONDS.sleep(200);
        }
        Sample s = sample(streams, counters, start, sentAt.size(), ended.get());
        samples.add(s);
        System.out.println(s.row());
      }
      sending.get();
      reading.set(false);
      reader.get();
      System.out.printf(
          Locale.ROOT,
          "%nSent %,d sagas at %.1f/s (target %d/s); %,d ended by the last sample.%n",
          ids.size(),
          sender.sentPerSecond(),
          rate,
          samples.get(samples.size() - 1).ended());
      streams.close(Duration.ofSeconds(30));
    } finally {
      reading.set(false);
      background.shutdownNow();
    }
    return samples;
  }

  /** Counts the sagas that reached a terminal status, from their lifecycle events. */
  private static void countEnded(
      EmbeddedKafkaBroker broker, SchemaRegistry schemas, AtomicLong ended, AtomicBoolean reading) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-soak-events-" + System.nanoTime());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    Set<SagaEventType> terminal =
        Set.of(
            SagaEventType.SAGA_COMPLETED,
            SagaEventType.SAGA_COMPENSATED,
            SagaEventType.SAGA_FAILED,
            SagaEventType.SAGA_STUCK);
    try (KafkaConsumer<String, SagaEvent> consumer =
        new KafkaConsumer<>(
            props, new StringDeserializer(), SagaTopics.EVENT_RECORDS.deserializer(schemas))) {
      consumer.subscribe(List.of(SagaTopics.EVENTS));
      while (reading.get()) {
        for (ConsumerRecord<String, SagaEvent> r : consumer.poll(Duration.ofMillis(200))) {
          for (SagaEvent fact : SagaEventFacts.of(r.value())) {
            if (terminal.contains(fact.getEventType())) {
              ended.incrementAndGet();
            }
          }
        }
      }
    }
  }

  private static Sample sample(
      KafkaStreams streams, SagaCounters counters, long start, long sent, long ended) {
    double seconds = (System.nanoTime() - start) / 1e9;
    long stateEntries = count(streams, SagaTopology.STATE_STORE);
    long indexEntries = count(streams, SagaTopology.INDEX_STORE);
    Map<MetricName, ? extends Metric> metrics = streams.metrics();
    double estimatedKeys = storeMetric(metrics, SagaTopology.STATE_STORE, "estimate-num-keys");
    double sst = storeMetric(metrics, SagaTopology.STATE_STORE, "total-sst-files-size");
    double memtables = storeMetric(metrics, SagaTopology.STATE_STORE, "size-all-mem-tables");
    System.gc();
    long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    return new Sample(
        seconds,
        sent,
        ended,
        stateEntries,
        (long) estimatedKeys,
        indexEntries,
        (long) sst,
        (long) memtables,
        BoundedMemoryRocksDbConfig.usedBytes(),
        BoundedMemoryRocksDbConfig.boundBytes(),
        heap,
        counters.total(SagaMetric.RETENTION_REMOVED));
  }

  /**
   * The exact number of entries a store holds, by an interactive query over every partition: the
   * metrics' estimate counts a key and its delete apart until a compaction meets them.
   */
  private static long count(KafkaStreams streams, String storeName) {
    try {
      ReadOnlyKeyValueStore<Object, Object> store =
          streams.store(
              StoreQueryParameters.fromNameAndType(storeName, QueryableStoreTypes.keyValueStore()));
      long n = 0;
      try (KeyValueIterator<Object, Object> all = store.all()) {
        while (all.hasNext()) {
          all.next();
          n++;
        }
      }
      return n;
    } catch (InvalidStateStoreException e) {
      // A rebalance moved a task away for a moment; the sample says so instead of guessing.
      return -1;
    }
  }

  /** The sum over every task of a RocksDB property metric of {@code store}. */
  private static double storeMetric(
      Map<MetricName, ? extends Metric> metrics, String store, String name) {
    double sum = 0;
    for (Map.Entry<MetricName, ? extends Metric> e : metrics.entrySet()) {
      MetricName m = e.getKey();
      if (m.group().equals("stream-state-metrics")
          && m.name().equals(name)
          && store.equals(m.tags().get("rocksdb-state-id"))
          && e.getValue().metricValue() instanceof Number value) {
        sum += value.doubleValue();
      }
    }
    return sum;
  }

  private static void verdict(List<Sample> samples, Duration retention) {
    double period = retention.toMillis() / 1000.0;
    double end = samples.get(samples.size() - 1).seconds();
    List<Sample> second =
        samples.stream().filter(s -> s.seconds() > period && s.seconds() <= 2 * period).toList();
    List<Sample> last = samples.stream().filter(s -> s.seconds() > end - period).toList();
    if (second.isEmpty() || last.isEmpty()) {
      System.out.println("Verdict: too few samples to compare the second and last periods.");
      return;
    }
    System.out.printf(
        Locale.ROOT,
        "%nSecond retention period (%.0f-%.0f s, %d samples) against the last (%.0f-%.0f s, %d"
            + " samples), means:%n",
        period,
        2 * period,
        second.size(),
        end - period,
        end,
        last.size());
    double entries = compare("saga-state entries", second, last, s -> s.stateEntries());
    compare("saga-index entries", second, last, s -> s.indexEntries());
    compare("saga-state SST + memtables bytes", second, last, s -> s.sstBytes() + s.memBytes());
    compare("RocksDB cache used bytes", second, last, s -> s.cacheUsed());
    compare("heap after GC bytes", second, last, s -> s.heap());
    long endedSecond = second.get(second.size() - 1).ended();
    long endedLast = last.get(last.size() - 1).ended();
    long removed = last.get(last.size() - 1).removed();
    boolean rising = endedLast > endedSecond;
    boolean withinBound =
        last.stream().allMatch(s -> s.cacheBound() == 0 || s.cacheUsed() <= s.cacheBound());
    boolean flat = Math.abs(entries - 1) <= FLAT_TOLERANCE && rising && withinBound;
    System.out.printf(
        Locale.ROOT,
        "Verdict: %s: saga-state entries last/second period %.2f (flat within %.0f%%) while"
            + " sagas ended rose from %,d to %,d; %,d removed by retention; RocksDB cache %s its"
            + " bound.%n",
        flat ? "FLAT" : "NOT FLAT",
        entries,
        FLAT_TOLERANCE * 100,
        endedSecond,
        endedLast,
        removed,
        withinBound ? "within" : "over");
  }

  private static double compare(
      String what, List<Sample> second, List<Sample> last, ToDoubleFunction<Sample> value) {
    double before = second.stream().mapToDouble(value).average().orElse(Double.NaN);
    double after = last.stream().mapToDouble(value).average().orElse(Double.NaN);
    double ratio = after / before;
    System.out.printf(
        Locale.ROOT, "  %s: %,.0f -> %,.0f (last/second %.2f)%n", what, before, after, ratio);
    return ratio;
  }

  static Duration duration(String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    long amount = 0;
    if (v.length() >= 2) {
      try {
        amount = Long.parseLong(v.substring(0, v.length() - 1));
      } catch (NumberFormatException e) {
        amount = 0;
      }
    }
    Duration unit =
        amount <= 0
            ? null
            : switch (v.charAt(v.length() - 1)) {
              case 's' -> Duration.ofSeconds(1);
              case 'm' -> Duration.ofMinutes(1);
              case 'h' -> Duration.ofHours(1);
              default -> null;
            };
    if (unit == null) {
      throw new IllegalArgumentException(
          "retention must be a positive whole number with a unit s, m or h (for example 1m), got "
              + value);
    }
    return unit.multipliedBy(amount);
  }

  private static String stringArg(String[] args, String name, String defaultValue) {
    for (String arg : args) {
      if (arg.startsWith(name + "=")) {
        return arg.substring(name.length() + 1);
      }
    }
    return defaultValue;
  }

  private record Sample(
      double seconds,
      long sent,
      long ended,
      long stateEntries,
      long stateEstimate,
      long indexEntries,
      long sstBytes,
      long memBytes,
      long cacheUsed,
      long cacheBound,
      long heap,
      long removed) {
    static final String HEADER =
        "| t s | sagas sent | sagas ended | saga-state entries (estimate-num-keys) |"
            + " saga-index entries | saga-state SST / memtables MiB | RocksDB cache used / bound"
            + " MiB | heap after GC MiB | retention removed |";
    static final String RULE = "|---|---|---|---|---|---|---|---|---|";

    String row() {
      return String.format(
          Locale.ROOT,
          "| %.0f | %,d | %,d | %,d (%,d) | %,d | %.1f / %.1f | %.1f / %.0f | %.0f | %,d |",
          seconds,
          sent,
          ended,
          stateEntries,
          stateEstimate,
          indexEntries,
          mib(sstBytes),
          mib(memBytes),
          mib(cacheUsed),
          mib(cacheBound),
          mib(heap),
          removed);
    }

    private static double mib(long bytes) {
      return bytes / (1024.0 * 1024.0);
    }
  }
}
