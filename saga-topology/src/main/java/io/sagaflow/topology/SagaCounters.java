package io.sagaflow.topology;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Records what the processor did (verdicts, dead letters, violations, fired timers, saga outcomes,
 * step and saga durations) by {@link SagaMetric} entry and tag values. Each count is kept here
 * exactly, under the key {@code <name>.<value>...} ({@link SagaMetric#counterName}), so tests and
 * logs read it directly; and each meter is registered in {@link #registry()}, which the app's
 * {@code /metrics} adds its Prometheus registry to. One instance is shared by every stream thread
 * of an application, so recording is lock-free.
 *
 * <p>Counters are function counters over the exact counts, so a registry added later still shows
 * every count since start; a timer's histogram holds only what was recorded after its registry was
 * added, which is why the app adds it before Kafka Streams starts.
 */
public final class SagaCounters {
  private final Map<String, LongAdder> counters = new ConcurrentHashMap<>();
  private final Map<String, Timer> timers = new ConcurrentHashMap<>();
  private final CompositeMeterRegistry registry = new CompositeMeterRegistry();
  private final SagaGauges gauges = new SagaGauges(registry);
  // The single-tag counters by kind as well, so counting one (several per saga input) looks up
  // the kind instead of building its "<name>.<kind>" key. Filled for every such entry up front, so
  // the outer map is only ever read.
  private final Map<SagaMetric, Map<String, LongAdder>> byKind = new EnumMap<>(SagaMetric.class);

  public SagaCounters() {
    for (SagaMetric metric : SagaMetric.values()) {
      if (metric.type() == SagaMetric.Type.COUNTER && metric.tags().size() == 1) {
        byKind.put(metric, new ConcurrentHashMap<>());
      }
    }
  }

  /** Adds one to single-tag {@code metric} for {@code kind}. */
  public void increment(SagaMetric metric, String kind) {
    Map<String, LongAdder> kinds = byKind.get(metric);
    if (kinds == null || kind == null) {
      count(metric, kind);
      return;
    }
    LongAdder adder = kinds.get(kind);
    if (adder == null) {
      adder = counter(metric, kind);
      kinds.putIfAbsent(kind, adder);
    }
    adder.increment();
  }

  /** Adds one to counter {@code metric} with {@code tagValues}, in the order of its tags. */
  public void count(SagaMetric metric, String... tagValues) {
    counter(metric, tagValues).increment();
  }

  private LongAdder counter(SagaMetric metric, String... tagValues) {
    requireType(metric, SagaMetric.Type.COUNTER);
    String name = metric.counterName(tagValues);
    return counters.computeIfAbsent(
        name,
        k -> {
          LongAdder adder = new LongAdder();
          FunctionCounter.builder(metric.meterName(), adder, LongAdder::sum)
              .tags(tags(metric, tagValues))
              .description(metric.description())
              .register(registry);
          return adder;
        });
  }

  /**
   * Adds one to counter {@code name}: a catalogue key such as {@code input.APPLIED} counts and is
   * exported as its entry; any other name (the simulated participants' own tallies) is only counted
   * here, never exported.
   */
  public void increment(String name) {
    Optional<SagaMetric.Counted> counted = SagaMetric.parse(name);
    if (counted.isPresent()) {
      count(counted.get().metric(), counted.get().kind());
    } else {
      counters.computeIfAbsent(name, k -> new LongAdder()).increment();
    }
  }

  /**
   * Records {@code duration} in timer {@code metric} with {@code tagValues}; its sample count is
   * also kept under {@link SagaMetric#counterName}.
   */
  public void record(SagaMetric metric, Duration duration, String... tagValues) {
    requireType(metric, SagaMetric.Type.TIMER);
    String name = metric.counterName(tagValues);
    timers
        .computeIfAbsent(
            name,
            k ->
                Timer.builder(metric.meterName())
                    .tags(tags(metric, tagValues))
                    .description(metric.description())
                    .serviceLevelObjectives(SagaMetric.SLO_BUCKETS.toArray(Duration[]::new))
                    .register(registry))
        .record(duration.isNegative() ? Duration.ZERO : duration);
    counters.computeIfAbsent(name, k -> new LongAdder()).increment();
  }

  /** The current value of counter {@code name} (or sample count of a timer), 0 if never counted. */
  public long get(String name) {
    LongAdder adder = counters.get(name);
    return adder == null ? 0 : adder.sum();
  }

  /** The sum of {@code metric} over all its tag values. */
  public long total(SagaMetric metric) {
    long sum = 0;
    for (Map.Entry<String, LongAdder> e : counters.entrySet()) {
      if (e.getKey().equals(metric.metricName()) || belongsTo(e.getKey(), metric)) {
        sum += e.getValue().sum();
      }
    }
    return sum;
  }

  /** Every counter and its value, sorted by name. */
  public Map<String, Long> snapshot() {
    Map<String, Long> result = new TreeMap<>();
    counters.forEach((name, adder) -> result.put(name, adder.sum()));
    return result;
  }

  /**
   * The registry every meter of the catalogue is registered in; add a registry to it (the app's
   * Prometheus one) to export them, and bind other meters (Kafka clients, JVM) to it.
   */
  public CompositeMeterRegistry registry() {
    return registry;
  }

  /** The gauges of sagas by status, kept by the coordinator's tasks. */
  SagaGauges gauges() {
    return gauges;
  }

  /**
   * True when {@code key} is {@code metric}'s and not a longer entry's that shares its prefix
   * ({@code dead-letter.X} is not {@code dead-letter-store}'s; {@code input.moved.X} is not {@code
   * input}'s).
   */
  private static boolean belongsTo(String key, SagaMetric metric) {
    if (!key.startsWith(metric.metricName() + ".")) {
      return false;
    }
    for (SagaMetric other : SagaMetric.values()) {
      if (other.metricName().length() > metric.metricName().length()
          && key.startsWith(other.metricName() + ".")) {
        return false;
      }
    }
    return true;
  }

  private static Tags tags(SagaMetric metric, String... values) {
    Tags tags = Tags.empty();
    for (int i = 0; i < values.length; i++) {
      tags = tags.and(metric.tags().get(i), values[i]);
    }
    return tags;
  }

  private static void requireType(SagaMetric metric, SagaMetric.Type type) {
    if (metric.type() != type) {
      throw new IllegalArgumentException(metric + " is a " + metric.type() + ", not a " + type);
    }
  }
}
