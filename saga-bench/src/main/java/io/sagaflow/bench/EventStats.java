package io.sagaflow.bench;

import io.sagaflow.contract.SagaEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Latencies derived from lifecycle events. Each event carries the processor's decision time, so a
 * step's latency is from the decision that sent its command to the decision that applied its reply,
 * and a saga's latency from its start to its end.
 */
final class EventStats {
  private final Map<String, Instant> stepStarted = new HashMap<>();
  private final Map<String, Instant> sagaStarted = new HashMap<>();
  private final List<Long> stepMillis = new ArrayList<>();
  private final List<Long> sagaMillis = new ArrayList<>();
  private int completed;
  private int compensated;
  private int failed;
  private int stuck;

  void accept(SagaEvent event) {
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
