package io.sagaflow.topology;

import io.sagaflow.engine.Timer;
import io.sagaflow.engine.TimerKind;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a task's stalls out of its participants' time budgets. While the stream thread cannot make
 * progress (the broker is down and the commit blocks, a long GC pause, the process is frozen) the
 * commands it emitted just before are not yet visible to any participant and no reply can be
 * written, yet the step timeouts run on the processor's wall clock. Without this, the first scan
 * after a 20 s broker outage fires the timeouts of every command sent just before it, a moment
 * before their replies can arrive, and retries or compensates steps that were answered in time.
 *
 * <p>A stall is seen as a gap between two timer scans longer than the scan interval plus {@code
 * threshold}; its length is the gap minus the interval. An action or compensation timeout then
 * fires only once the step has had its whole timeout outside stalls since its command was sent (the
 * due time minus the step's timeout). The due time is always computed from the saga's state, not
 * from the timer store's entry, so holding a timer twice never adds a stall twice. Stalls live in
 * memory: a task that starts again is covered by {@link InputCatchUp} instead. Retry back-offs and
 * deadlines are never held.
 */
final class Stalls {
  private static final Logger LOG = LoggerFactory.getLogger(Stalls.class);
  private static final Set<TimerKind> HELD =
      EnumSet.of(TimerKind.STEP_TIMEOUT, TimerKind.COMPENSATION_TIMEOUT);

  /**
   * Stalls this long or longer are logged at INFO, shorter ones at DEBUG: a loaded processor
   * working off a burst scans every 2-5 s, which is counted, but is no news to an operator.
   */
  static final long LOGGED_MILLIS = 10_000;

  /** Enough for a day of stalls a minute apart; older ones can only matter to day-long timeouts. */
  static final int KEPT = 1440;

  private static final String STALLED =
      "Task {} made no progress for {} ms (broker unreachable, a long pause, a large batch); the"
          + " action and compensation timeouts running meanwhile wait that much longer";

  private final String task;
  private final long intervalMillis;
  private final long thresholdMillis;
  private final Deque<Stall> stalls = new ArrayDeque<>();
  private long lastScan = -1;

  /** One stretch of wall-clock time in which the task made no progress. */
  record Stall(long startMillis, long endMillis) {}

  Stalls(String task, Duration interval, Duration threshold) {
    this.task = task;
    this.intervalMillis = interval.toMillis();
    this.thresholdMillis = threshold.toMillis();
  }

  /**
   * Records a timer scan at {@code nowMillis}, and a stall when it comes too long after the last.
   */
  void scanned(long nowMillis) {
    if (thresholdMillis > 0 && lastScan >= 0) {
      long gap = nowMillis - lastScan;
      if (gap > intervalMillis + thresholdMillis) {
        Stall stall = new Stall(lastScan, nowMillis - intervalMillis);
        stalls.addLast(stall);
        if (stalls.size() > KEPT) {
          stalls.removeFirst();
        }
        long length = stall.endMillis() - stall.startMillis();
        if (length >= LOGGED_MILLIS) {
          LOG.info(STALLED, task, length);
        } else {
          LOG.debug(STALLED, task, length);
        }
      }
    }
    lastScan = Math.max(lastScan, nowMillis);
  }

  /**
   * When {@code timer}, a timeout of a step whose attempts wait {@code timeout}, due and about to
   * fire at {@code now}, should fire instead: empty to fire it now, else the time to try again.
   */
  Optional<Instant> holdUntil(Timer timer, Duration timeout, Instant now) {
    if (stalls.isEmpty() || !HELD.contains(timer.kind())) {
      return Optional.empty();
    }
    long fair = fairDue(timer.dueAt().toEpochMilli() - timeout.toMillis(), timeout.toMillis());
    return fair > now.toEpochMilli() ? Optional.of(Instant.ofEpochMilli(fair)) : Optional.empty();
  }

  /** The moment a command sent at {@code sent} has had {@code budget} ms outside every stall. */
  long fairDue(long sent, long budget) {
    long cursor = sent;
    long remaining = budget;
    for (Stall stall : stalls) {
      if (stall.endMillis() <= cursor) {
        continue;
      }
      if (stall.startMillis() >= cursor + remaining) {
        break;
      }
      remaining -= Math.max(0, stall.startMillis() - cursor);
      cursor = stall.endMillis();
    }
    return cursor + remaining;
  }
}
