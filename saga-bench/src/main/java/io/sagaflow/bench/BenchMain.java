package io.sagaflow.bench;

import io.opentelemetry.api.OpenTelemetry;
import io.sagaflow.embedded.TempDirs;
import io.sagaflow.embedded.kafka.EmbeddedKafkaBroker;
import io.sagaflow.embedded.registry.SchemaRegistryServer;
import io.sagaflow.serde.InMemorySchemaRegistry;
import io.sagaflow.serde.RegistryClientSettings;
import io.sagaflow.serde.SchemaRegistryClient;
import io.sagaflow.topology.DeadLetters;
import io.sagaflow.topology.SagaCounters;
import io.sagaflow.topology.SagaStreamsConfig;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The saga processor benchmark (scripts/bench). All phases run in one JVM so the JIT is warm for
 * the measured ones, and each saga phase gets a fresh embedded broker so earlier phases' records do
 * not leak into later ones. Prints a Markdown report for docs/benchmarks.md.
 *
 * <p>Arguments (all optional): {@code sagas=20000 limitRecords=300000 preload=1000000 threads=1
 * warmups=2 openSeconds=60 openRate=0 openCommitMs=100 sampleThreads=0 openWarmups=0
 * participants=inprocess}; {@code threads} is the saga processor's stream threads (the limit always
 * runs one), {@code warmups} the number of unmeasured rounds (half a limit phase and a full saga
 * phase each) first. The open-loop phase starts sagas at {@code openRate} per second (0: half the
 * no-failures phase's sagas/s) for {@code openSeconds} ({@code openSeconds=0} leaves it out) with
 * {@code commit.interval.ms=openCommitMs}; {@code sampleThreads=1} adds the stream threads'
 * wall-clock sampler to it, at a cost to its latencies ({@link StreamThreadSampler}); {@code
 * openWarmups=N} runs N unmeasured open-loop phases at the same rate before it. {@code
 * participants=jvm} runs each phase's participants in a JVM of their own. {@code tracing=1} runs
 * only the tracing comparison instead ({@link TracingCost}), {@code soak=1} only the retention soak
 * ({@link RetentionSoak}).
 */
public final class BenchMain {
  static final int PARTITIONS = 4;

  private BenchMain() {}

  /** Runs every phase and prints the report. */
  public static void main(String[] args) throws Exception {
    int sagas = intArg(args, "sagas", 20_000);
    int limitRecords = intArg(args, "limitRecords", 300_000);
    int preload = intArg(args, "preload", 1_000_000);
    int threads = intArg(args, "threads", 1);
    int warmups = intArg(args, "warmups", 2);
    int openSeconds = intArg(args, "openSeconds", 60);
    int openRate = intArg(args, "openRate", 0);
    int openCommitMs = intArg(args, "openCommitMs", 100);
    boolean sampleThreads = intArg(args, "sampleThreads", 0) == 1;
    int openWarmups = intArg(args, "openWarmups", 0);
    boolean ownJvm = participantsInOwnJvm(args);
    Path work = Files.createTempDirectory("sagaflow-bench-");
    if (intArg(args, "soak", 0) == 1) {
      RetentionSoak.run(work, args);
    } else if (intArg(args, "tracing", 0) == 1) {
      TracingCost.run(work, sagas, warmups, threads);
    } else {
      run(
          work,
          sagas,
          limitRecords,
          preload,
          threads,
          warmups,
          openSeconds,
          openRate,
          openCommitMs,
          sampleThreads,
          openWarmups,
          ownJvm);
    }
    // Each phase leaves its broker's logs and its state stores behind (a full run writes a few
    // gigabytes); after a failure they stay for a look, after a success they go.
    TempDirs.delete(work);
  }

  private static void run(
      Path work,
      int sagas,
      int limitRecords,
      int preload,
      int threads,
      int warmups,
      int openSeconds,
      int openRate,
      int openCommitMs,
      boolean sampleThreads,
      int openWarmups,
      boolean ownJvm)
      throws Exception {

    // A phase's own start-up (a fresh broker, group joins, restores) keeps the JIT busy for a
    // while,
    // and on two cores a compiling JIT takes CPU from the phase: warm-up rounds the size of the
    // measured phases let it finish first (each phase prints its JIT share).
    System.out.println("Warming up (results discarded) ...");
    for (int round = 1; round <= warmups; round++) {
      limit(work, "warmup" + round + "-limit", limitRecords / 2, processorTuning());
      saga(work, "warmup" + round + "-saga", SagaRun.Load.burst(sagas), 0.1, 0, threads, ownJvm);
    }

    System.out.println("Measuring ...");
    // The ceiling is the better of two pass-through runs: Kafka's default client settings, and the
    // saga processor's (SagaStreamsConfig's producer lingering and fetch waits), so neither side of
    // the ratio gains from a setting the other lacks.
    PassThroughLimit.Result limitDefaults = limit(work, "limit", limitRecords, Map.of());
    PassThroughLimit.Result limitTuned =
        limit(work, "limit-tuned", limitRecords, processorTuning());
    PassThroughLimit.Result limit =
        limitDefaults.recordsPerSecond() > limitTuned.recordsPerSecond()
            ? limitDefaults
            : limitTuned;
    System.out.printf(
        Locale.ROOT,
        "  limit with Kafka's client defaults %.0f records/s (%.1f µs of processor CPU per record),"
            + " with the processor's client settings %.0f records/s (%.1f µs)%n",
        limitDefaults.recordsPerSecond(),
        limitDefaults.processorMicrosPerRecord(),
        limitTuned.recordsPerSecond(),
        limitTuned.processorMicrosPerRecord());
    List<SagaRunResult> results = new ArrayList<>();
    SagaRun.Load burst = SagaRun.Load.burst(sagas);
    results.add(saga(work, "no-failures", burst, 0.0, 0, threads, ownJvm));
    results.add(saga(work, "payment-failures-10pct", burst, 0.1, 0, threads, ownJvm));
    results.add(saga(work, "finished-sagas-in-store", burst, 0.0, preload, threads, ownJvm));
    List<SagaRunResult> open = new ArrayList<>();
    if (openSeconds > 0) {
      // Half the peak: the load a system is sized to carry with headroom, where latency, not
      // throughput, is what users notice.
      double rate = openRate > 0 ? openRate : results.get(0).sagasPerSecond() / 2;
      String label = openRate > 0 ? "open-loop-" + openRate + "-per-s" : "open-loop-50pct";
      for (int round = 1; round <= openWarmups; round++) {
        saga(
            work,
            "warmup" + round + "-" + label,
            SagaRun.Load.open(rate, openSeconds, openCommitMs, false),
            0.0,
            0,
            threads,
            ownJvm);
      }
      open.add(
          saga(
              work,
              label,
              SagaRun.Load.open(rate, openSeconds, openCommitMs, sampleThreads),
              0.0,
              0,
              threads,
              ownJvm));
    }
    print(limit, limitRecords, results);
    CostReport.print(results, open, ownJvm);
  }

  private static boolean participantsInOwnJvm(String[] args) {
    for (String arg : args) {
      if (arg.startsWith("participants=")) {
        String value = arg.substring("participants=".length());
        if (value.equals("jvm")) {
          return true;
        } else if (!value.equals("inprocess")) {
          throw new IllegalArgumentException(
              "participants must be inprocess (the default) or jvm, got " + arg);
        }
      }
    }
    return false;
  }

  private static PassThroughLimit.Result limit(
      Path work, String label, int records, Map<String, String> tuning) throws Exception {
    try (EmbeddedKafkaBroker broker = broker(work.resolve(label))) {
      return new PassThroughLimit(broker, new BenchTopics(broker, work))
          .run(label, records, PARTITIONS, tuning);
    }
  }

  /**
   * The tuning SagaStreamsConfig adds to the saga processor (client settings, task idling, the
   * uncommitted-bytes check), not its guarantees.
   */
  private static Map<String, String> processorTuning() {
    Properties saga =
        SagaStreamsConfig.create(
            Map.of(),
            new DeadLetters("unused", new InMemorySchemaRegistry(), true, new SagaCounters()));
    Map<String, String> tuning = new TreeMap<>();
    for (String name : saga.stringPropertyNames()) {
      if (name.startsWith(StreamsConfig.PRODUCER_PREFIX)
          || name.startsWith(StreamsConfig.MAIN_CONSUMER_PREFIX)
          || name.equals(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG)
          || name.equals(StreamsConfig.STATESTORE_UNCOMMITTED_MAX_BYTES_CONFIG)) {
        tuning.put(name, saga.getProperty(name));
      }
    }
    return tuning;
  }

  private static SagaRunResult saga(
      Path work,
      String label,
      SagaRun.Load load,
      double declineRate,
      int preload,
      int threads,
      boolean ownJvm)
      throws Exception {
    return saga(work, label, load, declineRate, preload, threads, OpenTelemetry.noop(), ownJvm);
  }

  /** One burst phase on a fresh broker and registry, traced into {@code tracing}. */
  static SagaRunResult saga(
      Path work,
      String label,
      int sagas,
      double declineRate,
      int preload,
      int threads,
      OpenTelemetry tracing)
      throws Exception {
    return saga(
        work, label, SagaRun.Load.burst(sagas), declineRate, preload, threads, tracing, false);
  }

  private static SagaRunResult saga(
      Path work,
      String label,
      SagaRun.Load load,
      double declineRate,
      int preload,
      int threads,
      OpenTelemetry tracing,
      boolean ownJvm)
      throws Exception {
    System.out.printf(
        Locale.ROOT,
        "  %s: %,d sagas%s, %,d preloaded, %d stream thread(s), participants %s%n",
        label,
        load.sagas(),
        load.isOpen()
            ? String.format(
                Locale.ROOT,
                " at %.0f/s, commit.interval.ms=%d",
                load.ratePerSecond(),
                load.commitIntervalMs())
            : "",
        preload,
        threads,
        ownJvm ? "in their own JVM" : "in this JVM");
    try (EmbeddedKafkaBroker broker = broker(work.resolve(label));
        SchemaRegistryServer registry =
            SchemaRegistryServer.startOnKafka(0, broker.bootstrapServers())) {
      BenchTopics topics = new BenchTopics(broker, work);
      SagaTopicsSetup.create(topics, PARTITIONS);
      String registryUrl = "http://127.0.0.1:" + registry.port();
      SchemaRegistryClient client =
          new SchemaRegistryClient(RegistryClientSettings.of(registryUrl));
      return new SagaRun(
              broker,
              topics,
              client,
              threads,
              tracing,
              ownJvm ? Optional.of(registryUrl) : Optional.empty())
          .run(label, load, declineRate, preload);
    }
  }

  /**
   * The JVM the figures belong to: a fixed heap, or another collector, lowered the processor's CPU
   * per input by 14-28% in measured sets (docs/benchmarks.md), so a report names them.
   */
  static String jvm() {
    long mib = 1024L * 1024;
    var heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    List<String> collectors =
        ManagementFactory.getGarbageCollectorMXBeans().stream()
            .map(GarbageCollectorMXBean::getName)
            .toList();
    return String.format(
        Locale.ROOT,
        "JVM: %s %s, %d cores, heap %d MiB initial / %d MiB max, collectors %s",
        System.getProperty("java.vm.name"),
        System.getProperty("java.runtime.version"),
        Runtime.getRuntime().availableProcessors(),
        heap.getInit() / mib,
        heap.getMax() / mib,
        String.join(", ", collectors));
  }

  private static void print(
      PassThroughLimit.Result limit, int limitRecords, List<SagaRunResult> results) {
    System.out.println();
    System.out.println(jvm());
    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "Limit (EOS stateful pass-through, get+put+forward, %d partitions, 1 thread,"
            + " commit.interval.ms=100, %,d records): %.0f records/s, %.1f µs of processor CPU and"
            + " %,.0f heap bytes allocated per record%n%n",
        PARTITIONS,
        limitRecords,
        limit.recordsPerSecond(),
        limit.processorMicrosPerRecord(),
        limit.processorBytesPerRecord());
    System.out.println(
        "| run | finished sagas preloaded | sagas | completed / compensated / failed+stuck |"
            + " sagas/s | steps/s | saga input records/s | step latency p50 / p99 ms |"
            + " saga latency p99 ms | heap after GC | RocksDB used / bound |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
    for (SagaRunResult r : results) {
      System.out.println("| " + String.join(" | ", r.row()) + " |");
    }
    System.out.println();
    for (SagaRunResult r : results) {
      System.out.printf(
          Locale.ROOT,
          "%s: saga input records/s / limit = %.2f; processor CPU per saga input / per"
              + " pass-through record = %.1f; heap bytes allocated, the same = %.1f%n",
          r.label(),
          r.inputsPerSecond() / limit.recordsPerSecond(),
          r.processorMicrosPerInput() / limit.processorMicrosPerRecord(),
          r.processorBytesPerInput() / limit.processorBytesPerRecord());
    }
    SagaRunResult empty = results.get(0);
    SagaRunResult full = results.get(results.size() - 1);
    System.out.printf(
        Locale.ROOT,
        "finished-sagas-in-store throughput relative to no-failures (empty store): %.2f%n",
        full.sagasPerSecond() / empty.sagasPerSecond());
  }

  /** The system property prefix of a broker setting every phase's broker overrides. */
  static final String BROKER_OVERRIDE = "bench.broker.";

  /**
   * A phase's embedded broker; -Dbench.broker.KEY=VALUE sets a server property for an experiment
   * without a rebuild.
   */
  static EmbeddedKafkaBroker broker(Path dataDir) {
    EmbeddedKafkaBroker.Builder builder = EmbeddedKafkaBroker.builder().dataDir(dataDir);
    overrides(BROKER_OVERRIDE).forEach(builder::serverProperty);
    return builder.build().start();
  }

  /** The system properties named {@code prefix + KEY}, by KEY: an experiment's settings. */
  static Map<String, String> overrides(String prefix) {
    Map<String, String> found = new TreeMap<>();
    for (String key : System.getProperties().stringPropertyNames()) {
      if (key.startsWith(prefix)) {
        found.put(key.substring(prefix.length()), System.getProperty(key));
      }
    }
    return found;
  }

  static int intArg(String[] args, String name, int defaultValue) {
    for (String arg : args) {
      if (arg.startsWith(name + "=")) {
        try {
          return Integer.parseInt(arg.substring(name.length() + 1).replace("_", ""));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(name + " must be a whole number, got " + arg, e);
        }
      }
    }
    return defaultValue;
  }
}
