package io.sagaflow.bench;

import io.sagaflow.contract.SagaEvent;
import io.sagaflow.serde.SagaEventFacts;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;
import org.apache.kafka.common.utils.Utils;

/**
 * Latencies derived from lifecycle events (each fact of a saga.events record). Each event carries
 * the processor's decision time, so a step's latency is from the decision that sent its command to
 * the decision that applied its reply, and a saga's latency from its start to its end. Only sagas
 * {@code counted} add latencies (an open-loop phase leaves out those started while the load
 * settled); every saga counts as ended. Where the bench knows when it sent a saga's start request,
 * the time from that send to the saga's end is kept too: it adds the wait before the processor read
 * the request.
 */
final class EventStats {
  static final long SLOW_STEP_MILLIS = 250;
  private static final DateTimeFormatter SECOND_OF_DAY =
      DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);
  private final Predicate<String> counted;
  private final ToLongFunction<String> sentAtMillis;
  private final List<Long> requestToEndMillis = new ArrayList<>();
  private final Map<String, Instant> stepStarted = new HashMap<>();
  private final Map<String, Instant> sagaStarted = new HashMap<>();
  private final List<Long> stepMillis = new ArrayList<>();
  private final List<Long> sagaMillis = new ArrayList<>();
  private final Map<Long, List<Long>> stepMillisBySecond = new HashMap<>();
  private final Map<String, long[]> stepSpans = new HashMap<>();
  // Written by the replies' reader thread while the events' reader reads the rest.
  private final Map<String, long[]> replyTimes = new ConcurrentHashMap<>();
  private int completed;
  private int compensated;
  private int failed;
  private int stuck;

  /** Every saga counted, no send times known. */
  EventStats() {
    this(id -> true, id -> -1);
  }

  /**
   * Latencies of the sagas {@code counted}; {@code sentAtMillis} gives the wall-clock time a saga's
   * start request was sent, or a negative number when unknown.
   */
  EventStats(Predicate<String> counted, ToLongFunction<String> sentAtMillis) {
    this.counted = counted;
    this.sentAtMillis = sentAtMillis;
  }

  /** Applies one saga.events record: each of the facts it reports, in order. */
  void accept(SagaEvent record) {
    for (SagaEvent fact : SagaEventFacts.of(record)) {
      acceptFact(fact);
    }
  }

  private void acceptFact(SagaEvent event) {
    if (!counted.test(event.getSagaId())) {
      countEnd(event);
      return;
    }
    String step = event.getSagaId() + "/" + event.getStep() + "/" + event.getAttempt();
    switch (event.getEventType()) {
      case SAGA_STARTED -> sagaStarted.put(event.getSagaId(), event.getAt());
      case STEP_STARTED -> stepStarted.put(step, event.getAt());
      case STEP_SUCCEEDED, STEP_FAILED, STEP_RETRY_SCHEDULED -> {
        Instant start = stepStarted.remove(step);
        if (start != null) {
          long millis = event.getAt().toEpochMilli() - start.toEpochMilli();
          stepMillis.add(millis);
          stepSpans.put(step, new long[] {start.toEpochMilli(), event.getAt().toEpochMilli()});
          stepMillisBySecond
              .computeIfAbsent(event.getAt().getEpochSecond(), s -> new ArrayList<>())
              .add(millis);
        }
      }
      case SAGA_COMPLETED -> {
        completed++;
        sagaEnded(event);
      }
      case SAGA_COMPENSATED -> {
        compensated++;
        sagaEnded(event);
      }
      case SAGA_FAILED -> {
        failed++;
        sagaEnded(event);
      }
      case SAGA_STUCK -> stuck++;
      default -> {}
    }
  }

  private void sagaEnded(SagaEvent event) {
    Instant start = sagaStarted.remove(event.getSagaId());
    if (start != null) {
      sagaMillis.add(event.getAt().toEpochMilli() - start.toEpochMilli());
    }
    long sent = sentAtMillis.applyAsLong(event.getSagaId());
    if (sent >= 0) {
      requestToEndMillis.add(event.getAt().toEpochMilli() - sent);
    }
  }

  private void countEnd(SagaEvent event) {
    switch (event.getEventType()) {
      case SAGA_COMPLETED -> completed++;
      case SAGA_COMPENSATED -> compensated++;
      case SAGA_FAILED -> failed++;
      case SAGA_STUCK -> stuck++;
      default -> {}
    }
  }

  /**
   * A reply to step {@code step} (attempt {@code attempt}) of saga {@code sagaId} was written by
   * its participant at {@code sentMillis}, appended by the broker at {@code appendedMillis} as the
   * record at {@code offset} of the replies topic's {@code partition} (-1 and -1 if unknown), and
   * read by a {@code read_committed} consumer at {@code visibleMillis} (once the participant's
   * transaction committed): it splits the step's latency into the time until the participant sent
   * the reply, until the broker appended it, until it was visible, until the processor's consumer
   * returned it ({@link #stepTimeline(int, Map, Polls)}), and from there to the decision.
   */
  void replySent(
      String sagaId,
      String step,
      int attempt,
      long sentMillis,
      long appendedMillis,
      long visibleMillis,
      int partition,
      long offset) {
    replyTimes.putIfAbsent(
        sagaId + "/" + step + "/" + attempt,
        new long[] {sentMillis, appendedMillis, visibleMillis, partition, offset});
  }

  /** When the processor's consumer returned the replies topic's record at an offset. */
  interface Polls {
    Polls NONE = (partition, offset) -> -1;

    /** Epoch milliseconds, or -1 if unknown. */
    long polledAt(int partition, long offset);
  }

  int ended() {
    return completed + compensated + failed + stuck;
  }

  int completed() {
    return completed;
  }

  int compensated() {
    return compensated;
  }

  int failedOrStuck() {
    return failed + stuck;
  }

  int steps() {
    return stepMillis.size();
  }

  long stepPercentile(double p) {
    return percentile(stepMillis, p);
  }

  long sagaPercentile(double p) {
    return percentile(sagaMillis, p);
  }

  /** Start request sent to saga ended, where send times are known; -1 when none is. */
  long requestToEndPercentile(double p) {
    return percentile(requestToEndMillis, p);
  }

  /**
   * The step latencies per second of the steps' end, one line per second: {@code +s (UTC time) n
   * p50/p99/max}. A p99 over the whole phase is set by its worst seconds; this shows whether those
   * are a steady tail or a few stalls, and when they happened relative to the phase's first counted
   * step.
   */
  List<String> stepTimeline() {
    return stepTimeline(0);
  }

  /**
   * As {@link #stepTimeline()}; with {@code partitions} above 0, each second with a step slower
   * than {@value #SLOW_STEP_MILLIS} ms also names how many such steps each partition had (the saga
   * id's partition under Kafka's default partitioner): one partition's stall and a whole thread's
   * stall look different there.
   */
  List<String> stepTimeline(int partitions) {
    return stepTimeline(partitions, Map.of(), Polls.NONE);
  }

  /**
   * As {@link #stepTimeline(int)}, each second's line followed by {@code notes}' for it, if any;
   * where {@code polls} knows when the processor's consumer returned a step's reply, the part after
   * "visible" splits there: "polled" (until the consumer handed it to the stream thread) and
   * "decided" (from there to the decision).
   */
  List<String> stepTimeline(int partitions, Map<Long, String> notes, Polls polls) {
    List<String> lines = new ArrayList<>();
    if (stepMillisBySecond.isEmpty()) {
      return lines;
    }
    Map<Long, List<Long>> toReply = new HashMap<>();
    Map<Long, List<Long>> toBroker = new HashMap<>();
    Map<Long, List<Long>> toVisible = new HashMap<>();
    Map<Long, List<Long>> afterVisible = new HashMap<>();
    Map<Long, List<Long>> toPolled = new HashMap<>();
    Map<Long, int[]> slowByPartition = new HashMap<>();
    stepSpans.forEach(
        (step, span) -> {
          if (partitions > 0 && span[1] - span[0] > SLOW_STEP_MILLIS) {
            String sagaId = step.substring(0, step.indexOf('/'));
            int partition =
                Utils.toPositive(Utils.murmur2(sagaId.getBytes(StandardCharsets.UTF_8)))
                    % partitions;
            slowByPartition
                .computeIfAbsent(Math.floorDiv(span[1], 1000), k -> new int[partitions])[
                partition]++;
          }
          long[] reply = replyTimes.get(step);
          if (reply != null) {
            long second = Math.floorDiv(span[1], 1000);
            toReply.computeIfAbsent(second, k -> new ArrayList<>()).add(reply[0] - span[0]);
            toBroker.computeIfAbsent(second, k -> new ArrayList<>()).add(reply[1] - reply[0]);
            // The bench's reader polls on its own schedule and can get a reply after the
            // processor decided on it: the stamp is kept between append and decision.
            long visible = Math.min(Math.max(reply[2], reply[1]), span[1]);
            toVisible.computeIfAbsent(second, k -> new ArrayList<>()).add(visible - reply[1]);
            long polled = reply[3] < 0 ? -1 : polls.polledAt((int) reply[3], reply[4]);
            if (polled >= 0) {
              // Clamped like the visibility stamp: the processor's consumer can return a reply
              // before the bench's reader does.
              long at = Math.min(Math.max(polled, visible), span[1]);
              toPolled.computeIfAbsent(second, k -> new ArrayList<>()).add(at - visible);
              afterVisible.computeIfAbsent(second, k -> new ArrayList<>()).add(span[1] - at);
            } else {
              afterVisible.computeIfAbsent(second, k -> new ArrayList<>()).add(span[1] - visible);
            }
          }
        });
    long first = Collections.min(stepMillisBySecond.keySet());
    long last = Collections.max(stepMillisBySecond.keySet());
    for (long second = first; second <= last; second++) {
      List<Long> values = stepMillisBySecond.getOrDefault(second, List.of());
      lines.add(
          String.format(
                  Locale.ROOT,
                  "+%3d s (%s) %5d steps  p50 %4d  p99 %4d  max %4d ms;"
                      + " p99 until the reply was sent %4d, appended %4d, visible %4d,%s"
                      + " decided %4d ms",
                  second - first,
                  SECOND_OF_DAY.format(Instant.ofEpochSecond(second)),
                  values.size(),
                  percentile(values, 50),
                  percentile(values, 99),
                  values.isEmpty() ? -1L : (long) Collections.max(values),
                  percentile(toReply.getOrDefault(second, List.of()), 99),
                  percentile(toBroker.getOrDefault(second, List.of()), 99),
                  percentile(toVisible.getOrDefault(second, List.of()), 99),
                  toPolled.containsKey(second)
                      ? String.format(
                          Locale.ROOT, " polled %4d,", percentile(toPolled.get(second), 99))
                      : "",
                  percentile(afterVisible.getOrDefault(second, List.of()), 99))
              + (slowByPartition.containsKey(second)
                  ? "; slower than "
                      + SLOW_STEP_MILLIS
                      + " ms by partition "
                      + Arrays.toString(slowByPartition.get(second))
                  : "")
              + (notes.containsKey(second) ? " | " + notes.get(second) : ""));
    }
    return lines;
  }

  private static long percentile(List<Long> values, double p) {
    if (values.isEmpty()) {
      return -1;
    }
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1)));
  }
}
