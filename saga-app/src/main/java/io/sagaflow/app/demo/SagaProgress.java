package io.sagaflow.app.demo;

import io.sagaflow.contract.SagaEvent;
import io.sagaflow.engine.SagaStatus;
import io.sagaflow.serde.SagaEventFacts;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The latest status of every saga of one workload, fed from {@code saga.events}. Thread-safe: the
 * event reader writes, the progress line and the waiting caller read; {@link #awaitFinished} wakes
 * up on each change instead of polling.
 */
public final class SagaProgress {
  private final int expected;
  private final Instant startedAt;
  private final AtomicInteger sent = new AtomicInteger();
  private final Map<String, SagaStatus> statuses = new ConcurrentHashMap<>();

  /** Progress of a workload of {@code expected} sagas that begins now. */
  public SagaProgress(int expected, Instant startedAt) {
    this.expected = expected;
    this.startedAt = startedAt;
  }

  /** Counts one start request sent. */
  void sent() {
    sent.incrementAndGet();
    synchronized (this) {
      notifyAll();
    }
  }

  /**
   * Applies one {@code saga.events} record; the status of its last fact is the saga's status after
   * the decision it reports.
   */
  public synchronized void apply(SagaEvent event) {
    for (SagaEvent fact : SagaEventFacts.of(event)) {
      statuses.put(fact.getSagaId(), SagaStatus.valueOf(fact.getStatus()));
    }
    notifyAll();
  }

  /**
   * Waits until every saga is terminal or STUCK, or {@code timeout} passes.
   *
   * @return whether the workload finished
   */
  public synchronized boolean awaitFinished(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!snapshot(Instant.now()).finished()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      // Bounded wait: also re-checks now and then in case a wake-up was missed.
      wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 1000)));
    }
    return true;
  }

  /** The status of each saga seen so far. */
  public Map<String, SagaStatus> statuses() {
    return Map.copyOf(statuses);
  }

  /** A consistent-enough view for one progress line. */
  public synchronized Snapshot snapshot(Instant now) {
    Map<SagaStatus, Integer> counts = new EnumMap<>(SagaStatus.class);
    statuses.values().forEach(s -> counts.merge(s, 1, Integer::sum));
    return new Snapshot(
        expected, sent.get(), statuses.size(), counts, Duration.between(startedAt, now));
  }

  /**
   * Progress at one moment.
   *
   * @param expected sagas the workload starts
   * @param sent start requests sent so far
   * @param started sagas the processor reported as started
   * @param counts sagas by current status
   * @param elapsed time since the workload began
   */
  public record Snapshot(
      int expected, int sent, int started, Map<SagaStatus, Integer> counts, Duration elapsed) {
    /** Copies the counts. */
    public Snapshot {
      counts = counts.isEmpty() ? Map.of() : Map.copyOf(new EnumMap<>(counts));
    }

    /** How many sagas are in {@code status}. */
    public int count(SagaStatus status) {
      return counts.getOrDefault(status, 0);
    }

    /** Sagas that will not move without an operator: terminal or STUCK. */
    public int settled() {
      return count(SagaStatus.COMPLETED)
          + count(SagaStatus.COMPENSATED)
          + count(SagaStatus.FAILED)
          + count(SagaStatus.STUCK);
    }

    /** True when every saga of the workload is terminal or STUCK. */
    public boolean finished() {
      return sent == expected && settled() == expected;
    }

    /** Settled sagas per second since the workload began. */
    public double throughput() {
      double seconds = Math.max(elapsed.toMillis(), 1) / 1000.0;
      return settled() / seconds;
    }
  }
}
