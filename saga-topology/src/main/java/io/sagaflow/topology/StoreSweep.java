package io.sagaflow.topology;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiPredicate;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Walks key ranges of a store a budget of entries at a time, each walk starting where the last one
 * stopped, so a store of any size is gone through without one walk stalling its task's commit. The
 * cursor lives in memory only: a task that starts again begins at the first range, which at worst
 * visits some entries twice.
 */
final class StoreSweep {
  /**
   * Keys from {@code from} up to {@code to}, both inclusive; an empty {@code to} runs to the
   * store's end.
   */
  record Range(Bytes from, Optional<Bytes> to) {}

  private final KeyValueStore<Bytes, byte[]> store;
  private final List<Range> ranges;
  private int range;
  private Optional<Bytes> cursor = Optional.empty();

  StoreSweep(KeyValueStore<Bytes, byte[]> store, List<Range> ranges) {
    if (ranges.isEmpty()) {
      throw new IllegalArgumentException("A sweep needs at least one range");
    }
    this.store = store;
    this.ranges = List.copyOf(ranges);
  }

  /**
   * Visits at most {@code budget} entries, and no entry twice in one walk, from the cursor on, and
   * returns those {@code select} picks. The caller deletes what it likes once this returns: no
   * iterator is open by then.
   */
  List<KeyValue<Bytes, byte[]>> next(int budget, BiPredicate<Bytes, byte[]> select) {
    List<KeyValue<Bytes, byte[]>> picked = new ArrayList<>();
    int visited = 0;
    int ended = 0;
    while (visited < budget && ended < ranges.size()) {
      Range current = ranges.get(range);
      boolean exhausted;
      try (KeyValueIterator<Bytes, byte[]> it =
          store.range(cursor.orElse(current.from()), current.to().orElse(null))) {
        while (visited < budget && it.hasNext()) {
          KeyValue<Bytes, byte[]> kv = it.next();
          visited++;
          cursor = Optional.of(SagaIndex.successor(kv.key));
          if (select.test(kv.key, kv.value)) {
            picked.add(kv);
          }
        }
        exhausted = !it.hasNext();
      }
      if (exhausted) {
        range = (range + 1) % ranges.size();
        cursor = Optional.empty();
        ended++;
      }
    }
    return picked;
  }
}
