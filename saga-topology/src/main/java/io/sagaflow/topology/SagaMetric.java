package io.sagaflow.topology;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Optional;

/**
 * The catalogue of what the saga processor counts. Each entry is one exported counter, {@code
 * sagaflow_<name>_total}, whose tag {@link #tag()} says which kind of event was counted; {@link
 * SagaCounters} keys a count as {@code <name>.<kind>}, so logs, tests and dashboards use the same
 * words.
 *
 * <p>Add an entry here, with its description, before counting anything new: the API's {@code
 * /metrics} exports exactly these.
 */
public enum SagaMetric {
  /** Inputs the coordinator decided; kind: the engine's {@code InputVerdict}. */
  INPUT("input", "kind", "Saga inputs decided by the coordinator, by engine verdict"),

  /**
   * Timers that came due; kind: the engine's verdict, {@code held} (a timeout its busy task let
   * wait), or {@code orphaned} (the saga has no state) or {@code stale} (the timer is no longer
   * pending).
   */
  TIMER("timer", "kind", "Due timers, by engine verdict, held, orphaned or stale"),

  /** Decisions that broke an engine invariant (a bug to report); kind: the invariant. */
  INVARIANT_VIOLATED(
      "invariant.violated", "kind", "Decisions that violated an engine invariant, by invariant"),

  /**
   * Inputs read on a partition that does not own their saga id (a producer whose partitioner is not
   * Kafka's default, such as librdkafka's CRC32) and moved to the one that does; kind: the input
   * topic.
   */
  INPUT_MOVED(
      "input.moved", "kind", "Inputs moved to the partition that owns their saga id, by topic"),

  /** Records sent to the dead-letter topic; kind: the {@code DeadLetterReason}. */
  DEAD_LETTER("dead-letter", "kind", "Records dead-lettered, by reason"),

  /**
   * What the dead-letter store did with a letter read back from the topic; kind: {@code recorded},
   * {@code no-saga}, {@code undecodable}, {@code dropped-oldest} or {@code failed}.
   */
  DEAD_LETTER_STORE("dead-letter-store", "kind", "Dead letters indexed by saga, by outcome");

  private final String metricName;
  private final String tag;
  private final String description;

  SagaMetric(String name, String tag, String description) {
    this.metricName = name;
    this.tag = tag;
    this.description = description;
  }

  /** The counter's name without prefix or suffix, for example {@code dead-letter}. */
  public String metricName() {
    return metricName;
  }

  /** The name of the tag carrying the kind. */
  public String tag() {
    return tag;
  }

  /** One line for the exported counter's {@code HELP}. */
  public String description() {
    return description;
  }

  /** The Micrometer meter name, {@code sagaflow.<name>}; Prometheus appends {@code _total}. */
  public String meterName() {
    return "sagaflow." + metricName;
  }

  /** The key {@link SagaCounters} counts {@code kind} under: {@code <name>.<kind>}. */
  public String counterName(String kind) {
    return metricName + "." + kind;
  }

  /** The entry and kind a counter key names; empty for a key outside the catalogue. */
  public static Optional<Counted> parse(String counterName) {
    return Arrays.stream(values())
        .filter(m -> counterName.startsWith(m.metricName + "."))
        .max(Comparator.comparingInt(m -> m.metricName.length()))
        .map(m -> new Counted(m, counterName.substring(m.metricName.length() + 1)));
  }

  /** A counter key split into its catalogue entry and kind. */
  public record Counted(SagaMetric metric, String kind) {}
}
