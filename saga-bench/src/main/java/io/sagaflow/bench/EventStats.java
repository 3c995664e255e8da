package io.sagaflow.bench;

import io.sagaflow.contract.SagaEvent;
import io.sagaflow.serde.SagaEventFacts;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;

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
  private final Predicate<String> counted;
  private final ToLongFunction<String> sentAtMillis;
  private final List<Long> requestToEndMillis = new ArrayList<>();
  private final Map<String, Instant> stepStarted = new HashMap<>();
  private final Map<String, Instant> sagaStarted = new HashMap<>();
  private final List<Long> stepMillis = new ArrayList<>();
  private final List<Long> sagaMillis = new ArrayList<>();
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
          stepMillis.add(event.getAt().toEpochMilli() - start.toEpochMilli());
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
