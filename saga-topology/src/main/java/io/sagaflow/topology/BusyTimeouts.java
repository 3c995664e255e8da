package io.sagaflow.topology;

import io.sagaflow.engine.SagaStatus;
import io.sagaflow.engine.Timer;
import io.sagaflow.engine.TimerKind;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a burst from turning into a retry storm. A step timeout means "the participant did not
 * answer in time", but under a burst the command is still waiting in the participant's topic,
 * behind thousands of others: retrying it adds one more to that queue, and compensating it undoes
 * work that was about to be done. So while a task has at least {@code threshold} sagas waiting on
 * participants (RUNNING or COMPENSATING, counted on the index, never past the threshold), a due
 * action or compensation timeout is moved to {@code limit} past its due time instead of firing. The
 * reply, when it comes, cancels it. If none has come by then and the task is still busy, it is
 * moved by {@code limit} again, up to {@link #HOLDS} times {@code limit} past its due time: a burst
 * whose backlog takes longer than one {@code limit} to work off (100,000 starts are read before the
 * first reply, since Kafka Streams reads the older records first) still waits. Past that, or once
 * the task is no longer busy, it fires. Retry back-offs and deadlines are never held: they are not
 * guesses about a participant.
 *
 * <p>A few moves per timeout, {@code limit} apart, not a re-check every few seconds: under a burst
 * of 100,000 sagas a periodic re-check re-wrote tens of thousands of timers a second and starved
 * the inputs whose replies would have released them. A held timer moves in the timer store only;
 * the saga's state keeps its due time, so the engine cancels it at its original key when the reply
 * comes, and the moved entry later fires as stale, changing nothing.
 */
final class BusyTimeouts {
  private static final Logger LOG = LoggerFactory.getLogger(BusyTimeouts.class);
  private static final Set<TimerKind> HELD =
      EnumSet.of(TimerKind.STEP_TIMEOUT, TimerKind.COMPENSATION_TIMEOUT);

  /** How many times {@code limit} past its due time a busy task holds a timeout at most. */
  static final int HOLDS = 6;

  private static final Set<SagaStatus> WAITING =
      EnumSet.of(SagaStatus.RUNNING, SagaStatus.COMPENSATING);

  private final String task;
  private final KeyValueStore<Bytes, byte[]> indexStore;
  private final int threshold;
  private final Duration limit;
  private long countedAt = -1;
  private int waiting;
  private boolean busy;
  private long heldSinceLastLog;

  BusyTimeouts(
      String task, KeyValueStore<Bytes, byte[]> indexStore, int threshold, Duration limit) {
    this.task = task;
    this.indexStore = indexStore;
    this.threshold = threshold;
    this.limit = limit;
  }

  /**
   * When {@code timer}, due and about to fire at {@code now}, should fire instead: empty to fire it
   * now, else the time to try again.
   */
  Optional<Instant> holdUntil(Timer timer, Instant now) {
    if (threshold <= 0 || !HELD.contains(timer.kind())) {
      return Optional.empty();
    }
    if (!busy(now)) {
      return Optional.empty();
    }
    Instant giveUp = timer.dueAt().plus(limit.multipliedBy(HOLDS));
    if (!now.isBefore(giveUp)) {
      return Optional.empty();
    }
    heldSinceLastLog++;
    Instant first = timer.dueAt().plus(limit);
    if (now.isBefore(first)) {
      return Optional.of(first);
    }
    Instant again = now.plus(limit);
    return Optional.of(again.isBefore(giveUp) ? again : giveUp);
  }

  /** Counts waiting sagas once per scan (a scan fires timers at one {@code now}). */
  private boolean busy(Instant now) {
    long millis = now.toEpochMilli();
    if (millis != countedAt) {
      countedAt = millis;
      waiting = countWaiting();
      boolean nowBusy = waiting >= threshold;
      if (nowBusy && !busy) {
        LOG.warn(
            "Task {}: {} or more sagas are waiting on participants; their step timeouts now wait"
                + " {} s more for the replies instead of retrying into the participants' queues",
            task,
            threshold,
            limit.toSeconds());
      } else if (!nowBusy && busy) {
        LOG.info(
            "Task {}: {} sagas waiting on participants, under {} again; {} timeouts were held"
                + " meanwhile",
            task,
            waiting,
            threshold,
            heldSinceLastLog);
        heldSinceLastLog = 0;
      }
      busy = nowBusy;
    }
    return busy;
  }

  private int countWaiting() {
    int count = 0;
    for (SagaStatus status : WAITING) {
      try (KeyValueIterator<Bytes, byte[]> it =
          indexStore.range(
              SagaIndex.statusFirst(status.name()), SagaIndex.statusEnd(status.name()))) {
        while (it.hasNext() && count < threshold) {
          it.next();
          count++;
        }
      }
      if (count >= threshold) {
        break;
      }
    }
    return count;
  }
}
