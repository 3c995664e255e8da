package io.sagaflow.topology;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import io.sagaflow.engine.SagaStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * {@link SagaMetric#SAGAS} and {@link SagaMetric#OLDEST_SAGA_AGE}, kept per stream task from its
 * {@code saga-index} store without a scan per scrape: a task counts its not-ended sagas once when
 * it starts (after its stores are restored), then moves the counts with every index change the
 * coordinator writes, and drops them when it closes. A task whose transaction aborted is closed and
 * started again from its restored store, so the counts never keep a change that was rolled back.
 *
 * <p>The oldest saga of a status is the last entry of each type's index range (newest first), read
 * again at most every {@link #REFRESH} by the task's punctuator; a new saga older than it (none, in
 * practice) moves it at once, a saga that leaves the status at the next refresh.
 */
final class SagaGauges {
  /** The statuses counted: the ones a saga is still in when an operator may have to look. */
  static final List<String> TRACKED =
      List.of(SagaStatus.RUNNING.name(), SagaStatus.COMPENSATING.name(), SagaStatus.STUCK.name());

  /** How often a task reads its oldest sagas again. */
  static final Duration REFRESH = Duration.ofSeconds(5);

  private final MeterRegistry registry;
  private final Clock clock;
  private final Map<String, TaskCounts> tasks = new ConcurrentHashMap<>();
  private final Set<String> registered = ConcurrentHashMap.newKeySet();

  SagaGauges(MeterRegistry registry) {
    this(registry, Clock.systemUTC());
  }

  SagaGauges(MeterRegistry registry, Clock clock) {
    this.registry = registry;
    this.clock = clock;
  }

  /**
   * Registered with the first task rather than at construction, so that an application adds its
   * export registry before any meter exists (Micrometer warns about meters recorded before a
   * registry joins, and they would be lost to it).
   */
  private void registerAges() {
    if (!registered.add("oldest")) {
      return;
    }
    for (String status : TRACKED) {
      TimeGauge.builder(
              SagaMetric.OLDEST_SAGA_AGE.meterName(),
              this,
              TimeUnit.MILLISECONDS,
              g -> g.oldestAgeMillis(status))
          .tag("status", status)
          .description(SagaMetric.OLDEST_SAGA_AGE.description())
          .register(registry);
    }
  }

  /** Starts counting for {@code task} from its restored {@code index}. */
  void open(String task, KeyValueStore<Bytes, byte[]> index, Instant now) {
    registerAges();
    TaskCounts counts = new TaskCounts();
    for (String status : TRACKED) {
      try (KeyValueIterator<Bytes, byte[]> it =
          index.range(SagaIndex.statusFirst(status), SagaIndex.statusEnd(status))) {
        while (it.hasNext()) {
          KeyValue<Bytes, byte[]> kv = it.next();
          SagaIndex.Entry entry = SagaIndex.decode(kv.key, kv.value);
          counts.add(entry, 1);
        }
      }
    }
    counts.refreshed = now;
    counts.keys().forEach(this::register);
    tasks.put(task, counts);
  }

  /** Moves {@code task}'s counts from its saga's index entry {@code before} to {@code after}. */
  void moved(String task, Optional<SagaIndex.Entry> before, Optional<SagaIndex.Entry> after) {
    TaskCounts counts = tasks.get(task);
    if (counts == null) {
      return;
    }
    before.ifPresent(e -> counts.add(e, -1));
    after.ifPresent(
        e -> {
          counts.add(e, 1);
          if (TRACKED.contains(e.status())) {
            register(TaskCounts.key(e.status(), e.sagaType()));
          }
        });
  }

  /** Reads {@code task}'s oldest sagas again when the last reading is {@link #REFRESH} old. */
  void refresh(String task, KeyValueStore<Bytes, byte[]> index, Instant now) {
    TaskCounts counts = tasks.get(task);
    if (counts == null || now.isBefore(counts.refreshed.plus(REFRESH))) {
      return;
    }
    counts.refreshed = now;
    for (String status : TRACKED) {
      OptionalLong oldest = OptionalLong.empty();
      for (String key : counts.keys()) {
        if (!key.startsWith(status + "\u0000")) {
          continue;
        }
        String type = key.substring(status.length() + 1);
        try (KeyValueIterator<Bytes, byte[]> it =
            index.reverseRange(SagaIndex.prefix(status, type), SagaIndex.prefixEnd(status, type))) {
          if (it.hasNext()) {
            KeyValue<Bytes, byte[]> kv = it.next();
            long createdAt = SagaIndex.decode(kv.key, kv.value).createdAt().toEpochMilli();
            oldest = OptionalLong.of(Math.min(createdAt, oldest.orElse(createdAt)));
          }
        }
      }
      counts.oldest.put(status, oldest.orElse(Long.MAX_VALUE));
    }
  }

  /** Stops counting for {@code task}: its partition is closed or moved to another instance. */
  void close(String task) {
    tasks.remove(task);
  }

  /** Sagas in {@code status} of {@code type} over every open task. */
  long count(String status, String type) {
    String key = TaskCounts.key(status, type);
    return tasks.values().stream().mapToLong(t -> t.count(key)).sum();
  }

  /** The creation time of the oldest saga in {@code status} over every open task, if any. */
  Optional<Instant> oldest(String status) {
    long oldest =
        tasks.values().stream()
            .mapToLong(t -> t.oldest.getOrDefault(status, Long.MAX_VALUE))
            .min()
            .orElse(Long.MAX_VALUE);
    return oldest == Long.MAX_VALUE ? Optional.empty() : Optional.of(Instant.ofEpochMilli(oldest));
  }

  private double oldestAgeMillis(String status) {
    return oldest(status)
        .map(at -> (double) Math.max(0, clock.millis() - at.toEpochMilli()))
        .orElse(0.0);
  }

  private void register(String key) {
    if (!registered.add(key)) {
      return;
    }
    int split = key.indexOf('\u0000');
    String status = key.substring(0, split);
    String type = key.substring(split + 1);
    Gauge.builder(SagaMetric.SAGAS.meterName(), this, g -> g.count(status, type))
        .tag("status", status)
        .tag("saga_type", type)
        .description(SagaMetric.SAGAS.description())
        .register(registry);
  }

  /** One task's counts, written by its stream thread only and read by scrapes. */
  private static final class TaskCounts {
    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
    private final Map<String, Long> oldest = new ConcurrentHashMap<>();
    private Instant refreshed = Instant.EPOCH;

    static String key(String status, String type) {
      return status + "\u0000" + type;
    }

    /** Adds {@code delta} for the entry's status and type, when the status is tracked. */
    void add(SagaIndex.Entry entry, int delta) {
      if (!TRACKED.contains(entry.status())) {
        return;
      }
      counts
          .computeIfAbsent(key(entry.status(), entry.sagaType()), k -> new AtomicLong())
          .addAndGet(delta);
      if (delta > 0) {
        oldest.merge(entry.status(), entry.createdAt().toEpochMilli(), Math::min);
      }
    }

    long count(String key) {
      AtomicLong count = counts.get(key);
      return count == null ? 0 : count.get();
    }

    Set<String> keys() {
      return counts.keySet();
    }
  }
}
