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
 * visits some entries twice. A {@link Skip} lets the walk jump over keys that cannot be picked, so
 * a walk's length follows what it can pick rather than the store's size.
 */
final class StoreSweep {
  /**
   * Keys from {@code from} up to {@code to}, both inclusive; an empty {@code to} runs to the
   * store's end.
   */
  record Range(Bytes from, Optional<Bytes> to) {}

  /** Where a walk may jump from an entry it visits. */
  @FunctionalInterface
  interface Skip {
    /** Never jumps: every entry of the ranges is visited. */
    Skip NONE = (key, value) -> Optional.empty();

    /**
     * A key after {@code key} such that no entry from {@code key} up to it (excluded) could be
     * picked, or empty to visit this entry. A key at or before {@code key} is ignored.
     */
    Optional<Bytes> past(Bytes key, byte[] value);
  }

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
    return next(budget, Skip.NONE, select);
  }

  /**
   * As {@link #next(int, BiPredicate)}, jumping wherever {@code skip} says; an entry that leads to
   * a jump counts against the budget, as the seek it costs is no cheaper than a visit.
   */
  List<KeyValue<Bytes, byte[]>> next(int budget, Skip skip, BiPredicate<Bytes, byte[]> select) {
    List<KeyValue<Bytes, byte[]>> picked = new ArrayList<>();
    int visited = 0;
    int ended = 0;
    while (visited < budget && ended < ranges.size()) {
      Range current = ranges.get(range);
      Bytes from = cursor.orElse(current.from());
      boolean exhausted;
      if (current.to().isPresent() && from.compareTo(current.to().get()) > 0) {
        // A jump past the range's end: the range is done. (Asking the store for a range that
        // ends before it starts would log a warning and return nothing.)
        exhausted = true;
      } else {
        try (KeyValueIterator<Bytes, byte[]> it = store.range(from, current.to().orElse(null))) {
          boolean jumped = false;
          while (visited < budget && !jumped && it.hasNext()) {
            KeyValue<Bytes, byte[]> kv = it.next();
            visited++;
            Optional<Bytes> jump = skip.past(kv.key, kv.value);
            if (jump.isPresent() && jump.get().compareTo(kv.key) > 0) {
              cursor = jump;
              jumped = true;
            } else {
              cursor = Optional.of(SagaIndex.successor(kv.key));
              if (select.test(kv.key, kv.value)) {
                picked.add(kv);
              }
            }
          }
          exhausted = !jumped && !it.hasNext();
        }
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
