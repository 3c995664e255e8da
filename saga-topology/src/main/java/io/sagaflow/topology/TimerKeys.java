package io.sagaflow.topology;

import io.sagaflow.engine.Timer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.common.utils.Bytes;

/**
 * Keys of the timer store, ordered by due time so that a range scan from the start up to "now"
 * returns exactly the timers that are due.
 *
 * <p>Layout: 8-byte big-endian due time in epoch milliseconds, the 16-byte timer id, then the saga
 * id in UTF-8. RocksDB compares keys byte by byte, so big-endian non-negative millis sort by time;
 * the timer id keeps two timers due in the same millisecond from overwriting each other.
 */
final class TimerKeys {
  private static final int FIXED = Long.BYTES + 2 * Long.BYTES;

  private TimerKeys() {}

  static Bytes of(Timer timer) {
    byte[] saga = timer.sagaId().getBytes(StandardCharsets.UTF_8);
    ByteBuffer buf = ByteBuffer.allocate(FIXED + saga.length);
    buf.putLong(dueMillis(timer.dueAt()));
    buf.putLong(timer.timerId().getMostSignificantBits());
    buf.putLong(timer.timerId().getLeastSignificantBits());
    buf.put(saga);
    return Bytes.wrap(buf.array());
  }

  /** The smallest key: every timer sorts after it. */
  static Bytes first() {
    return Bytes.wrap(new byte[Long.BYTES]);
  }

  /** An inclusive upper bound that covers every timer due at or before {@code now}. */
  static Bytes dueUpTo(Instant now) {
    // Any key with due time == now has a suffix, so it sorts after the bare prefix of now; using
    // now + 1 ms as a bare prefix includes those and excludes everything due later.
    return Bytes.wrap(ByteBuffer.allocate(Long.BYTES).putLong(dueMillis(now) + 1).array());
  }

  /** The saga id encoded in a key. */
  static String sagaId(Bytes key) {
    byte[] bytes = key.get();
    return new String(bytes, FIXED, bytes.length - FIXED, StandardCharsets.UTF_8);
  }

  /** The timer id encoded in a key. */
  static java.util.UUID timerId(Bytes key) {
    ByteBuffer buf = ByteBuffer.wrap(key.get(), Long.BYTES, 2 * Long.BYTES);
    return new java.util.UUID(buf.getLong(), buf.getLong());
  }

  /** The due time encoded in a key. */
  static Instant dueAt(Bytes key) {
    return Instant.ofEpochMilli(ByteBuffer.wrap(key.get()).getLong());
  }

  private static long dueMillis(Instant at) {
    long millis = at.toEpochMilli();
    if (millis < 0) {
      throw new IllegalArgumentException("Timer due before 1970 cannot be stored: " + at);
    }
    return millis;
  }
}
