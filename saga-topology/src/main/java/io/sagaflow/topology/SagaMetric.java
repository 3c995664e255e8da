package io.sagaflow.topology;

import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The catalogue of every meter Sagaflow exports on {@code /metrics}: its name, type, tags and one
 * line of description. Nothing is recorded outside it ({@link SagaCounters} takes an entry, never a
 * free name), and docs/observability.md lists exactly these entries ({@code MetricCatalogueDocTest}
 * holds the two together), so dashboards, alerts, logs and tests use the same words.
 *
 * <p>Names follow Prometheus' conventions once exported: prefix {@code sagaflow_}, dots become
 * underscores, counters end in {@code _total}, timers and time gauges are in seconds. Tags have few
 * values each (a status, a saga type, a step, a verdict); a saga id is never a tag.
 */
public enum SagaMetric {
  /** Inputs the coordinator decided; kind: the engine's {@code InputVerdict}. */
  INPUT(Type.COUNTER, "input", "Saga inputs decided by the coordinator, by engine verdict", "kind"),

  /**
   * Timers that came due; kind: the engine's verdict, {@code held} (a timeout its busy task let
   * wait), {@code stalled} (a timeout moved past a stall of its task), {@code orphaned} (the saga
   * has no state) or {@code stale} (the timer is no longer pending).
   */
  TIMER(
      Type.COUNTER,
      "timer",
      "Due timers, by engine verdict, held, stalled, orphaned or stale",
      "kind"),

  /** Decisions that broke an engine invariant (a bug to report); invariant: its name. */
  INVARIANT_VIOLATED(
      Type.COUNTER,
      "invariant.violated",
      "Decisions that violated an engine invariant, by invariant",
      "invariant"),

  /**
   * Inputs read on a partition that does not own their saga id (a producer whose partitioner is not
   * Kafka's default, such as librdkafka's CRC32) and moved to the one that does; kind: the input
   * topic.
   */
  INPUT_MOVED(
      Type.COUNTER,
      "input.moved",
      "Inputs moved to the partition that owns their saga id, by topic",
      "kind"),

  /** Records sent to the dead-letter topic; reason: the {@code DeadLetterReason}. */
  DEAD_LETTER(Type.COUNTER, "dead-letter", "Records dead-lettered, by reason", "reason"),

  /**
   * What the dead-letter store did with a letter read back from the topic; kind: {@code recorded},
   * {@code no-saga}, {@code undecodable}, {@code dropped-oldest} or {@code failed}.
   */
  DEAD_LETTER_STORE(
      Type.COUNTER, "dead-letter-store", "Dead letters indexed by saga, by outcome", "kind"),

  /**
   * Entries the retention scan removed because they outlived {@code saga.retention.finished}; kind:
   * {@code saga} (a finished saga's state and index entry) or {@code dead-letter} (an entry of the
   * dead-letter store older than the dead-letter topic's retention).
   */
  RETENTION_REMOVED(
      Type.COUNTER,
      "retention.removed",
      "Finished sagas and dead letters removed by the retention scan, by kind",
      "kind"),

  /** Sagas the coordinator accepted (their SAGA_STARTED event). */
  SAGAS_STARTED(
      Type.COUNTER,
      "sagas.started",
      "Sagas started, by saga type and definition version",
      "saga_type",
      "version"),

  /** Sagas that ended with every step done (SAGA_COMPLETED). */
  SAGAS_COMPLETED(
      Type.COUNTER,
      "sagas.completed",
      "Sagas completed, by saga type and definition version",
      "saga_type",
      "version"),

  /** Sagas rolled back completely (SAGA_COMPENSATED). */
  SAGAS_COMPENSATED(
      Type.COUNTER,
      "sagas.compensated",
      "Sagas compensated, by saga type and definition version",
      "saga_type",
      "version"),

  /** Sagas rolled back partially after an operator skipped a compensation (SAGA_FAILED). */
  SAGAS_FAILED(
      Type.COUNTER,
      "sagas.failed",
      "Sagas failed (partial rollback), by saga type and definition version",
      "saga_type",
      "version"),

  /**
   * Times a saga was parked as STUCK (SAGA_STUCK); a saga resumed and parked again counts twice.
   */
  SAGAS_STUCK(
      Type.COUNTER,
      "sagas.stuck",
      "Sagas parked as STUCK, by saga type and definition version",
      "saga_type",
      "version"),

  /**
   * Retries scheduled after a retriable failure or a timeout; kind: {@code action} or {@code
   * compensation}.
   */
  RETRIES(
      Type.COUNTER,
      "retries",
      "Step retries scheduled, by saga type, step and kind (action or compensation)",
      "saga_type",
      "step",
      "kind"),

  /**
   * Timeouts that fired and were applied (not held, not stale); kind: {@code step}, {@code
   * compensation} or {@code deadline} (whose step is {@code none}).
   */
  TIMEOUTS(
      Type.COUNTER,
      "timeouts",
      "Timeouts applied, by saga type, step and kind (step, compensation or deadline)",
      "saga_type",
      "step",
      "kind"),

  /**
   * From a step's first action sent to its outcome (retries included); outcome: {@code succeeded}
   * or {@code failed}. One sample per STEP_SUCCEEDED or STEP_FAILED event.
   */
  STEP_DURATION(
      Type.TIMER,
      "step.duration",
      "Step latency from first command sent to its outcome, by saga type, step and outcome",
      "saga_type",
      "step",
      "outcome"),

  /**
   * From a saga's start to its end; outcome: {@code completed}, {@code compensated} or {@code
   * failed}.
   */
  SAGA_DURATION(
      Type.TIMER,
      "saga.duration",
      "Saga duration from start to end, by saga type and outcome",
      "saga_type",
      "outcome"),

  /**
   * Sagas not yet ended (RUNNING, COMPENSATING, STUCK) on the partitions this instance runs, kept
   * from the {@code saga-index} store: counted once when a task starts, then moved with every index
   * change.
   */
  SAGAS(
      Type.GAUGE,
      "sagas",
      "Sagas RUNNING, COMPENSATING or STUCK on this instance's partitions, by status and saga type",
      "status",
      "saga_type"),

  /**
   * Age (since start) of the oldest saga in each not-ended status on this instance's partitions; 0
   * when there is none. Refreshed from {@code saga-index} every few seconds.
   */
  OLDEST_SAGA_AGE(
      Type.TIME_GAUGE,
      "oldest.saga.age",
      "Age since start of the oldest saga RUNNING, COMPENSATING or STUCK on this instance, by"
          + " status",
      "status"),

  /** Stream threads that died of an uncaught exception and were replaced. */
  STREAM_THREAD_REPLACEMENTS(
      Type.COUNTER,
      "stream.thread.replacements",
      "Stream threads that died of an uncaught exception and were replaced; more than the"
          + " tolerated number within the window makes /health/ready answer 503"),

  /** 1 while Kafka Streams is RUNNING or REBALANCING, 0 otherwise (created, erred, shut down). */
  PROCESSOR_RUNNING(
      Type.GAUGE,
      "processor.running",
      "1 while this instance's saga processor is RUNNING or REBALANCING, else 0");

  /** How an entry is exported. */
  public enum Type {
    /** Monotonic count, {@code <name>_total}. */
    COUNTER,
    /** Histogram with SLO buckets in seconds, {@code <name>_seconds_bucket|_count|_sum|_max}. */
    TIMER,
    /** A current value. */
    GAUGE,
    /** A current duration, {@code <name>_seconds}. */
    TIME_GAUGE
  }

  /** Bucket bounds of every timer: from a quick step to an hour-long saga. */
  public static final List<Duration> SLO_BUCKETS =
      List.of(
          Duration.ofMillis(10),
          Duration.ofMillis(25),
          Duration.ofMillis(50),
          Duration.ofMillis(100),
          Duration.ofMillis(250),
          Duration.ofMillis(500),
          Duration.ofSeconds(1),
          Duration.ofMillis(2500),
          Duration.ofSeconds(5),
          Duration.ofSeconds(10),
          Duration.ofSeconds(30),
          Duration.ofMinutes(1),
          Duration.ofMinutes(5),
          Duration.ofMinutes(15),
          Duration.ofHours(1));

  private final Type type;
  private final String metricName;
  private final String description;

  // List.of: unmodifiable, which Error Prone cannot tell from the declared type.
  @SuppressWarnings("ImmutableEnumChecker")
  private final List<String> tags;

  SagaMetric(Type type, String name, String description, String... tags) {
    this.type = type;
    this.metricName = name;
    this.description = description;
    this.tags = List.of(tags);
  }

  /** How it is exported. */
  public Type type() {
    return type;
  }

  /** The name without prefix or suffix, for example {@code dead-letter}. */
  public String metricName() {
    return metricName;
  }

  /** The names of its tags, in the order {@link SagaCounters} takes their values. */
  public List<String> tags() {
    return tags;
  }

  /**
   * The one tag of a counter keyed {@code <name>.<value>} ({@link #counterName}).
   *
   * @throws IllegalStateException for an entry with more or fewer tags
   */
  public String tag() {
    if (tags.size() != 1) {
      throw new IllegalStateException(this + " has tags " + tags + ", not one");
    }
    return tags.get(0);
  }

  /** One line for the exported meter's {@code HELP}. */
  public String description() {
    return description;
  }

  /** The Micrometer meter name, {@code sagaflow.<name>}. */
  public String meterName() {
    return "sagaflow." + metricName;
  }

  /**
   * The name Prometheus shows: {@code sagaflow_dead_letter_total}, {@code
   * sagaflow_step_duration_seconds} (whose series add {@code _bucket}, {@code _count}, {@code _sum}
   * and {@code _max}), {@code sagaflow_sagas}.
   */
  public String prometheusName() {
    String base = "sagaflow_" + metricName.replace('.', '_').replace('-', '_');
    return switch (type) {
      case COUNTER -> base + "_total";
      case TIMER, TIME_GAUGE -> base + "_seconds";
      case GAUGE -> base;
    };
  }

  /**
   * The key {@link SagaCounters} counts under: {@code <name>.<value>...}, for example {@code
   * input.APPLIED} or {@code sagas.started.order-fulfilment.1}.
   */
  public String counterName(String... tagValues) {
    if (tagValues.length != tags.size()) {
      throw new IllegalArgumentException(
          this + " takes " + tags.size() + " tag values " + tags + ", got " + tagValues.length);
    }
    return tagValues.length == 0 ? metricName : metricName + "." + String.join(".", tagValues);
  }

  /**
   * The entry and kind a single-tag counter key names; empty for a key outside the catalogue or of
   * an entry with other than one tag.
   */
  public static Optional<Counted> parse(String counterName) {
    return Arrays.stream(values())
        .filter(m -> m.type == Type.COUNTER && m.tags.size() == 1)
        .filter(m -> counterName.startsWith(m.metricName + "."))
        .max(Comparator.comparingInt(m -> m.metricName.length()))
        .map(m -> new Counted(m, counterName.substring(m.metricName.length() + 1)));
  }

  /** The entry named {@code prometheusName} as Prometheus shows it, if any. */
  public static Optional<SagaMetric> byPrometheusName(String prometheusName) {
    return Arrays.stream(values())
        .filter(m -> m.prometheusName().equals(prometheusName))
        .findFirst();
  }

  /** A counter key split into its catalogue entry and kind. */
  public record Counted(SagaMetric metric, String kind) {}
}
