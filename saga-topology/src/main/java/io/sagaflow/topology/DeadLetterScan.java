package io.sagaflow.topology;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes dead letters from one task's {@code saga-dead-letters} store once they are older than
 * their retention, as deletes, so the changelog compacts.
 *
 * <p>The dead-letter store lives in a task of its own (its input is partitioned by the failed
 * input's key, not by saga id), so it cannot see when a saga ends or is removed: it ages each
 * letter by the time it was written. The processor sets that age to the dead-letter topic's own
 * retention, past which the record an entry describes is gone from {@code saga.dlq} and could not
 * be redriven.
 */
final class DeadLetterScan {
  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterScan.class);

  private final KeyValueStore<Bytes, byte[]> store;
  private final StoreSweep sweep;
  private final Duration retention;
  private final int budget;
  private final SagaCounters counters;
  private final String task;

  DeadLetterScan(
      KeyValueStore<Bytes, byte[]> store, Retention retention, SagaCounters counters, String task) {
    this.store = store;
    this.retention = retention.deadLetters();
    this.budget = retention.budget();
    this.counters = counters;
    this.task = task;
    this.sweep =
        new StoreSweep(
            store, List.of(new StoreSweep.Range(Bytes.wrap(new byte[0]), Optional.empty())));
  }

  /** Removes what one budget of entries holds past retention at {@code now} (millis). */
  int scan(long now) {
    long writtenBefore = now - retention.toMillis();
    List<KeyValue<Bytes, byte[]>> expired =
        sweep.next(
            budget,
            (key, value) ->
                DeadLetterEntry.decode(key, value).failedAt().toEpochMilli() < writtenBefore);
    for (KeyValue<Bytes, byte[]> kv : expired) {
      store.delete(kv.key);
      counters.increment(SagaMetric.RETENTION_REMOVED, "dead-letter");
    }
    if (!expired.isEmpty()) {
      LOG.info(
          "Retention removed {} dead letters of task {} written more than {} ago",
          expired.size(),
          task,
          retention);
    }
    return expired.size();
  }
}
