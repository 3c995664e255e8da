package io.sagaflow.api;

import io.sagaflow.topology.DeadLetterEntry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/** A saga's dead letters in this instance's partitions of {@code saga-dead-letters}. */
final class LocalDeadLetters {
  /** Oldest first; the dlq position separates letters that failed in the same millisecond. */
  static final Comparator<DeadLetterEntry> ORDER =
      Comparator.comparing(DeadLetterEntry::failedAt)
          .thenComparingInt(DeadLetterEntry::dlqPartition)
          .thenComparingLong(DeadLetterEntry::dlqOffset);

  private final RangeScanner store;

  LocalDeadLetters(RangeScanner store) {
    this.store = store;
  }

  Partial<DeadLetterEntry> of(String sagaId, Set<Integer> partitions) {
    List<List<DeadLetterEntry>> runs = new ArrayList<>();
    for (int partition : partitions) {
      List<DeadLetterEntry> run = new ArrayList<>();
      store.scan(
          partition,
          DeadLetterEntry.prefix(sagaId),
          DeadLetterEntry.prefixEnd(sagaId),
          kv -> run.add(DeadLetterEntry.decode(kv.key, kv.value)));
      runs.add(run);
    }
    return new Partial<>(partitions, Partial.merge(runs, ORDER, Integer.MAX_VALUE));
  }
}
