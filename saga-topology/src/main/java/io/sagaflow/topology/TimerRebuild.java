package io.sagaflow.topology;

import io.sagaflow.contract.SagaStateRecord;
import io.sagaflow.contract.TimerRecord;
import io.sagaflow.engine.SagaStatus;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Derives a task's timer store from its sagas' states. The timer store has no changelog: each
 * saga's state lists the timers it has armed (the engine keeps the two in step), so after a
 * restore, a rebalance or a failed task the store is rebuilt from the state instead of being
 * replayed from two changelog records per step.
 *
 * <p>The rebuild is bounded by the unfinished sagas: it walks the {@code saga-index} ranges of the
 * statuses that are not terminal and reads only those sagas' states, so the finished sagas that
 * make up most of a long-lived store cost it nothing.
 */
final class TimerRebuild {
  private static final byte[] MARK = new byte[0];

  private TimerRebuild() {}

  /**
   * What a rebuild did.
   *
   * @param sagas unfinished sagas whose state was read
   * @param timers timers put into the store
   * @param millis how long it took
   */
  record Result(int sagas, int timers, long millis) {}

  /** Empties {@code timers} and fills it with the timers of every unfinished saga. */
  static Result rebuild(
      KeyValueStore<String, SagaStateRecord> states,
      KeyValueStore<Bytes, byte[]> index,
      KeyValueStore<Bytes, byte[]> timers) {
    long started = System.nanoTime();
    clear(timers);
    int sagas = 0;
    int count = 0;
    for (SagaStatus status : SagaStatus.values()) {
      if (status.isTerminal()) {
        continue;
      }
      List<KeyValue<Bytes, byte[]>> batch = new ArrayList<>();
      try (KeyValueIterator<Bytes, byte[]> it =
          index.range(SagaIndex.statusFirst(status.name()), SagaIndex.statusEnd(status.name()))) {
        while (it.hasNext()) {
          KeyValue<Bytes, byte[]> entry = it.next();
          String sagaId = SagaIndex.decode(entry.key, entry.value).sagaId();
          SagaStateRecord state = states.get(sagaId);
          if (state == null) {
            continue;
          }
          sagas++;
          for (TimerRecord timer : state.getTimers()) {
            batch.add(KeyValue.pair(TimerKeys.of(StateCodec.timerOf(sagaId, timer)), MARK));
          }
        }
      }
      timers.putAll(batch);
      count += batch.size();
    }
    return new Result(sagas, count, (System.nanoTime() - started) / 1_000_000);
  }

  private static void clear(KeyValueStore<Bytes, byte[]> timers) {
    List<Bytes> keys = new ArrayList<>();
    try (KeyValueIterator<Bytes, byte[]> it = timers.all()) {
      it.forEachRemaining(kv -> keys.add(kv.key));
    }
    keys.forEach(timers::delete);
  }
}
