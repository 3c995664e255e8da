package io.sagaflow.topology;

import io.sagaflow.contract.SagaStateRecord;
import io.sagaflow.engine.SagaStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes the sagas of one task that ended longer than the retention ago: their {@code saga-state}
 * entry and their {@code saga-index} entry, as deletes, so both changelogs carry a tombstone and
 * compact.
 *
 * <p>It walks the index, not the state: the index lists finished sagas apart from open ones (status
 * is the first part of its key) and holds when each entered its status, so a scan reads neither an
 * open saga nor any saga's Avro state. RUNNING, COMPENSATING and STUCK sagas are never visited,
 * whatever their age. Within a status and type the index lists the newest saga first, and the walk
 * jumps past the sagas started within the retention, so it visits only sagas old enough to have
 * expired: a walk is as long as what expired, not as the store, and a task that starts again (its
 * cursor in memory only) reaches the oldest sagas at once.
 */
final class FinishedSagaScan {
  private static final Logger LOG = LoggerFactory.getLogger(FinishedSagaScan.class);

  private final KeyValueStore<String, SagaStateRecord> states;
  private final KeyValueStore<Bytes, byte[]> index;
  private final StoreSweep sweep;
  private final Duration retention;
  private final int budget;
  private final SagaCounters counters;
  private final String task;

  FinishedSagaScan(
      KeyValueStore<String, SagaStateRecord> states,
      KeyValueStore<Bytes, byte[]> index,
      Retention retention,
      SagaCounters counters,
      String task) {
    this.states = states;
    this.index = index;
    this.retention = retention.finished();
    this.budget = retention.budget();
    this.counters = counters;
    this.task = task;
    List<StoreSweep.Range> finished =
        Arrays.stream(SagaStatus.values())
            .filter(SagaStatus::isTerminal)
            .map(
                s ->
                    new StoreSweep.Range(
                        SagaIndex.statusFirst(s.name()),
                        Optional.of(SagaIndex.statusEnd(s.name()))))
            .toList();
    this.sweep = new StoreSweep(index, finished);
  }

  /** Removes what one budget of index entries holds past retention at {@code now} (millis). */
  int scan(long now) {
    long endedBefore = now - retention.toMillis();
    if (endedBefore <= 0) {
      return 0;
    }
    Instant cutoff = Instant.ofEpochMilli(endedBefore);
    List<KeyValue<Bytes, byte[]>> expired =
        sweep.next(
            budget,
            (key, value) -> {
              // A saga ends after it starts, so one started after the cutoff has not expired,
              // and nor has any saga of its status and type listed before the cutoff's position
              // (newer ones). Jumping there keeps a walk to the sagas old enough to have expired,
              // however many recent ones the store holds. (An end stamped before the start by a
              // clock behind the starting instance's only delays that saga's removal by the skew.)
              SagaIndex.Entry entry = SagaIndex.decode(key, value);
              return entry.createdAt().isAfter(cutoff)
                  ? Optional.of(SagaIndex.position(entry.status(), entry.sagaType(), cutoff, ""))
                  : Optional.empty();
            },
            (key, value) -> SagaIndex.decode(key, value).statusSince().isBefore(cutoff));
    for (KeyValue<Bytes, byte[]> kv : expired) {
      states.delete(SagaIndex.decode(kv.key, kv.value).sagaId());
      index.delete(kv.key);
      counters.increment(SagaMetric.RETENTION_REMOVED, "saga");
    }
    if (!expired.isEmpty()) {
      // Counts only: saga ids are business data and stay out of INFO lines.
      LOG.info(
          "Retention removed {} sagas of task {} that ended more than {} ago",
          expired.size(),
          task,
          retention);
    }
    return expired.size();
  }
}
