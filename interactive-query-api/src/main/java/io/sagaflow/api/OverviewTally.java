package io.sagaflow.api;

import io.sagaflow.contract.SagaStateRecord;
import io.sagaflow.contract.StepStateRecord;
import io.sagaflow.contract.TransitionRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the console's overview counts over a set of saga-state partitions, in a form that instances
 * exchange as JSON and add up: counts by type, version and status; live counts per step; per-minute
 * starts and ends and a step-latency histogram per minute over the last hour; the oldest running
 * and stuck sagas. Derived from the stored states on each request, so it needs no metrics backend
 * and survives restarts; the cost is one pass over every stored saga (see docs/ui.md).
 *
 * @param firstMinute epoch minute of the first of {@link #MINUTES} buckets
 * @param counts {@code type|version|status} to the number of sagas
 * @param steps {@code type|version|step|measure} to a count; measures are {@link #MEASURES}
 * @param series {@code measure|minuteIndex} to a count, measures started, completed, compensated,
 *     failed
 * @param latency {@code minuteIndex|bucket} to the number of steps that finished in that minute
 *     with a latency in that bucket (see {@link #bucket})
 * @param running the oldest RUNNING or COMPENSATING sagas, oldest first
 * @param stuck the sagas STUCK the longest, longest first
 * @param partitions the saga-state partitions counted
 */
record OverviewTally(
    long firstMinute,
    Map<String, Long> counts,
    Map<String, Long> steps,
    Map<String, Long> series,
    Map<String, Long> latency,
    List<Oldest> running,
    List<Oldest> stuck,
    Set<Integer> partitions) {
  static final int MINUTES = 60;
  static final int OLDEST = 10;
  static final List<String> MEASURES =
      List.of("waiting", "retrying", "failed", "compensating", "succeeded", "compensated");
  static final List<String> SERIES = List.of("started", "completed", "compensated", "failed");
  private static final double BUCKET_BASE = 1.25;
  private static final Set<String> ENDED = Set.of("COMPLETED", "COMPENSATED", "FAILED");

  /**
   * A saga in the oldest lists.
   *
   * @param createdAtMillis when it was created
   * @param sinceMillis since when it has had its status
   */
  record Oldest(
      String sagaId, String sagaType, String status, long createdAtMillis, long sinceMillis) {}

  /** Counts {@code states} for the hour ending at {@code now}. */
  static OverviewTally of(Iterable<SagaStateRecord> states, Instant now, Set<Integer> partitions) {
    long first = now.toEpochMilli() / 60_000 - (MINUTES - 1);
    Map<String, Long> counts = new TreeMap<>();
    Map<String, Long> steps = new TreeMap<>();
    Map<String, Long> series = new TreeMap<>();
    Map<String, Long> latency = new TreeMap<>();
    List<Oldest> running = new ArrayList<>();
    List<Oldest> stuck = new ArrayList<>();
    for (SagaStateRecord s : states) {
      String tv = s.getSagaType() + "|" + s.getDefinitionVersion();
      String status = s.getStatus();
      add(counts, tv + "|" + status, 1);
      minute(first, s.getCreatedAt()).ifPresent(m -> add(series, "started|" + m, 1));
      long since = s.getCreatedAt().toEpochMilli();
      for (TransitionRecord t : s.getHistory()) {
        if (ENDED.contains(t.getTo())) {
          String measure = t.getTo().toLowerCase(java.util.Locale.ROOT);
          minute(first, t.getAt()).ifPresent(m -> add(series, measure + "|" + m, 1));
        }
        if (t.getTo().equals(status)) {
          since = t.getAt().toEpochMilli();
        }
      }
      boolean live = !ENDED.contains(status);
      for (StepStateRecord step : s.getSteps()) {
        measure(step.getStatus(), live)
            .ifPresent(m -> add(steps, tv + "|" + step.getName() + "|" + m, 1));
        if (step.getStartedAt() != null && step.getFinishedAt() != null) {
          long ms =
              Math.max(0, step.getFinishedAt().toEpochMilli() - step.getStartedAt().toEpochMilli());
          minute(first, step.getFinishedAt()).ifPresent(m -> add(latency, m + "|" + bucket(ms), 1));
        }
      }
      Oldest entry =
          new Oldest(
              s.getSagaId(), s.getSagaType(), status, s.getCreatedAt().toEpochMilli(), since);
      if (status.equals("RUNNING") || status.equals("COMPENSATING")) {
        running.add(entry);
      } else if (status.equals("STUCK")) {
        stuck.add(entry);
      }
    }
    return new OverviewTally(
        first, counts, steps, series, latency, oldest(running), oldest(stuck), partitions);
  }

  /** The sum of {@code parts}, which must cover the same hour. */
  static OverviewTally merge(List<OverviewTally> parts, long firstMinute) {
    Map<String, Long> counts = new TreeMap<>();
    Map<String, Long> steps = new TreeMap<>();
    Map<String, Long> series = new TreeMap<>();
    Map<String, Long> latency = new TreeMap<>();
    List<Oldest> running = new ArrayList<>();
    List<Oldest> stuck = new ArrayList<>();
    Set<Integer> partitions = new TreeSet<>();
    for (OverviewTally p : parts) {
      // Another instance's clock may be a minute apart: shift its buckets onto ours.
      long shift = p.firstMinute - firstMinute;
      p.counts.forEach((k, v) -> add(counts, k, v));
      p.steps.forEach((k, v) -> add(steps, k, v));
      p.series.forEach(
          (k, v) -> {
            int bar = k.indexOf('|');
            long m = Long.parseLong(k.substring(bar + 1)) + shift;
            if (m >= 0 && m < MINUTES) {
              add(series, k.substring(0, bar) + "|" + m, v);
            }
          });
      p.latency.forEach(
          (k, v) -> {
            int bar = k.indexOf('|');
            long m = Long.parseLong(k.substring(0, bar)) + shift;
            if (m >= 0 && m < MINUTES) {
              add(latency, m + k.substring(bar), v);
            }
          });
      running.addAll(p.running);
      stuck.addAll(p.stuck);
      partitions.addAll(p.partitions);
    }
    return new OverviewTally(
        firstMinute, counts, steps, series, latency, oldest(running), oldest(stuck), partitions);
  }

  /** The histogram bucket of a latency: bucket b holds [1.25^b - 1, 1.25^(b+1) - 1) ms. */
  static int bucket(long millis) {
    return (int) Math.floor(Math.log(millis + 1.0) / Math.log(BUCKET_BASE));
  }

  /** A latency that stands for bucket {@code b}: its geometric middle, within 12% of any member. */
  static long representative(int b) {
    return Math.round(Math.pow(BUCKET_BASE, b + 0.5) - 1);
  }

  /** The {@code q}-quantile (0..1) of minute {@code m}'s latencies, or -1 when it has none. */
  long latencyQuantile(int m, double q) {
    TreeMap<Integer, Long> buckets = new TreeMap<>();
    latency.forEach(
        (k, v) -> {
          int bar = k.indexOf('|');
          if (Integer.parseInt(k.substring(0, bar)) == m) {
            buckets.merge(Integer.parseInt(k.substring(bar + 1)), v, Long::sum);
          }
        });
    long total = buckets.values().stream().mapToLong(Long::longValue).sum();
    if (total == 0) {
      return -1;
    }
    long rank = (long) Math.ceil(q * total);
    long seen = 0;
    for (Map.Entry<Integer, Long> e : buckets.entrySet()) {
      seen += e.getValue();
      if (seen >= rank) {
        return representative(e.getKey());
      }
    }
    return representative(buckets.lastKey());
  }

  private static java.util.Optional<String> measure(String stepStatus, boolean live) {
    String m =
        switch (stepStatus) {
          case "AWAITING_REPLY" -> live ? "waiting" : null;
          case "RETRY_SCHEDULED" -> live ? "retrying" : null;
          case "FAILED", "COMPENSATION_FAILED" -> live ? "failed" : null;
          case "COMPENSATING", "COMPENSATION_RETRY_SCHEDULED" -> live ? "compensating" : null;
          case "SUCCEEDED" -> "succeeded";
          case "COMPENSATED" -> "compensated";
          default -> null;
        };
    return java.util.Optional.ofNullable(m);
  }

  private static java.util.Optional<Long> minute(long first, Instant at) {
    long m = at.toEpochMilli() / 60_000 - first;
    return m >= 0 && m < MINUTES ? java.util.Optional.of(m) : java.util.Optional.empty();
  }

  private static void add(Map<String, Long> map, String key, long n) {
    map.merge(key, n, Long::sum);
  }

  private static List<Oldest> oldest(List<Oldest> all) {
    List<Oldest> sorted = new ArrayList<>(all);
    sorted.sort(Comparator.comparingLong(Oldest::sinceMillis).thenComparing(Oldest::sagaId));
    return Collections.unmodifiableList(
        new ArrayList<>(sorted.subList(0, Math.min(OLDEST, sorted.size()))));
  }
}
