package io.sagaflow.topology;

import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeMap;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * The {@code saga-timers} store: a sorted map in the task's memory, and nothing else.
 *
 * <p>Kafka Streams' own in-memory store sits behind a metering layer and records the input's
 * position on every write, for interactive queries. Neither serves this store: it is written twice
 * per step (a timer armed, a timer cancelled), read only by its own task's punctuator, never
 * queried, and has no changelog (see {@link TimerRebuild}). Keys compare byte by byte, as in
 * RocksDB, so {@link TimerKeys} orders timers by due time here too.
 *
 * <p>Only the task's stream thread touches it, so it is not synchronized. Its iterators see writes
 * made while they are open, and the punctuator may delete what it has read.
 */
final class TimerStore implements KeyValueStore<Bytes, byte[]> {
  private final String name;
  private final TreeMap<Bytes, byte[]> map = new TreeMap<>();
  private boolean open;

  TimerStore(String name) {
    this.name = name;
  }

  /** A builder for Kafka Streams' topology; the store is never cached and never logged. */
  static StoreBuilder<KeyValueStore<Bytes, byte[]>> builder(String name) {
    return new Builder(name);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void init(StateStoreContext context, StateStore root) {
    // No changelog, so nothing is ever restored into it; the callback exists because Kafka Streams
    // requires every store to register one.
    context.register(root, (key, value) -> {});
    open = true;
  }

  @Override
  public void close() {
    map.clear();
    open = false;
  }

  @Override
  public boolean persistent() {
    return false;
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public Position getPosition() {
    return Position.emptyPosition();
  }

  @Override
  public void put(Bytes key, byte[] value) {
    if (value == null) {
      map.remove(key);
    } else {
      map.put(key, value);
    }
  }

  @Override
  public byte[] putIfAbsent(Bytes key, byte[] value) {
    byte[] existing = map.get(key);
    if (existing == null) {
      put(key, value);
    }
    return existing;
  }

  @Override
  public void putAll(List<KeyValue<Bytes, byte[]>> entries) {
    for (KeyValue<Bytes, byte[]> entry : entries) {
      put(entry.key, entry.value);
    }
  }

  @Override
  public byte[] delete(Bytes key) {
    return map.remove(key);
  }

  @Override
  public byte[] get(Bytes key) {
    return map.get(key);
  }

  @Override
  public KeyValueIterator<Bytes, byte[]> range(Bytes from, Bytes to) {
    return new Cursor(from, to);
  }

  @Override
  public KeyValueIterator<Bytes, byte[]> all() {
    return new Cursor(null, null);
  }

  @Override
  public long approximateNumEntries() {
    return map.size();
  }

  /**
   * Walks the map from key to key by lookups, not with the map's own iterator, which would fail on
   * the first delete; a range scan copies nothing, however many timers are due.
   */
  private final class Cursor implements KeyValueIterator<Bytes, byte[]> {
    private final Bytes from;
    private final Bytes to;
    private Bytes last;
    private Map.Entry<Bytes, byte[]> next;
    private boolean done;

    Cursor(Bytes from, Bytes to) {
      this.from = from;
      this.to = to;
      // Kafka Streams' stores answer an inverted range with nothing; so does this one.
      this.done = from != null && to != null && from.compareTo(to) > 0;
    }

    @Override
    public boolean hasNext() {
      if (next == null && !done) {
        Map.Entry<Bytes, byte[]> candidate;
        if (last != null) {
          candidate = map.higherEntry(last);
        } else {
          candidate = from == null ? map.firstEntry() : map.ceilingEntry(from);
        }
        if (candidate == null || (to != null && candidate.getKey().compareTo(to) > 0)) {
          done = true;
        } else {
          next = candidate;
          last = candidate.getKey();
        }
      }
      return next != null;
    }

    @Override
    public KeyValue<Bytes, byte[]> next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      KeyValue<Bytes, byte[]> out = KeyValue.pair(next.getKey(), next.getValue());
      next = null;
      return out;
    }

    @Override
    public Bytes peekNextKey() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      return next.getKey();
    }

    @Override
    public void close() {
      done = true;
      next = null;
    }
  }

  private record Builder(String name) implements StoreBuilder<KeyValueStore<Bytes, byte[]>> {
    @Override
    public StoreBuilder<KeyValueStore<Bytes, byte[]>> withCachingEnabled() {
      throw new UnsupportedOperationException("The timer store is never cached");
    }

    @Override
    public StoreBuilder<KeyValueStore<Bytes, byte[]>> withCachingDisabled() {
      return this;
    }

    @Override
    public StoreBuilder<KeyValueStore<Bytes, byte[]>> withLoggingEnabled(
        Map<String, String> config) {
      throw new UnsupportedOperationException(
          "The timer store has no changelog: it is rebuilt from saga-state");
    }

    @Override
    public StoreBuilder<KeyValueStore<Bytes, byte[]>> withLoggingDisabled() {
      return this;
    }

    @Override
    public KeyValueStore<Bytes, byte[]> build() {
      return new TimerStore(name);
    }

    @Override
    public Map<String, String> logConfig() {
      return Map.of();
    }

    @Override
    public boolean loggingEnabled() {
      return false;
    }
  }
}
