package io.sagaflow.api;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The keyed starts this instance accepted lately: for each saga id (a name-based id of type and
 * Idempotency-Key) the digest of the data it was started with. Bounded in count and age, and of
 * this instance only: it catches a key reused with other data even before the first start has
 * reached the saga-state store, but it is empty after a restart and knows nothing of other
 * instances, which is why {@link IdempotencyKeys} also reads the saga.
 */
final class RecentStarts {
  /** How many keyed starts are remembered; at about 100 bytes each, about 1 MB. */
  static final int CAPACITY = 10_000;

  /** How long a keyed start is remembered: the lifetime the Idempotency-Key draft suggests. */
  static final Duration RETENTION = Duration.ofHours(24);

  /** What a start's data is to the start remembered under the same saga id. */
  enum Claim {
    /** None remembered: this start is now. */
    NEW,
    /** The same data: a retry. */
    SAME,
    /** Other data under the same key. */
    CONFLICT
  }

  private record Remembered(String digest, Instant at) {}

  private final Clock clock;
  private final int capacity;
  private final Duration retention;
  // Insertion order, so the eldest entry is the first to expire and the first to evict.
  private final LinkedHashMap<String, Remembered> starts = new LinkedHashMap<>();

  RecentStarts(Clock clock, int capacity, Duration retention) {
    this.clock = clock;
    this.capacity = capacity;
    this.retention = retention;
  }

  static RecentStarts withDefaults() {
    return new RecentStarts(Clock.systemUTC(), CAPACITY, RETENTION);
  }

  /**
   * Compares {@code digest} with the start remembered for {@code sagaId}, remembering it if new.
   */
  synchronized Claim claim(String sagaId, String digest) {
    Instant now = clock.instant();
    expire(now);
    Remembered known = starts.get(sagaId);
    if (known != null) {
      return known.digest().equals(digest) ? Claim.SAME : Claim.CONFLICT;
    }
    starts.put(sagaId, new Remembered(digest, now));
    if (starts.size() > capacity) {
      Iterator<String> eldest = starts.keySet().iterator();
      eldest.next();
      eldest.remove();
    }
    return Claim.NEW;
  }

  /**
   * Forgets a start that {@link #claim} remembered but that was never written (Kafka refused it),
   * so a corrected retry under the same key is not refused for data that was never accepted.
   */
  synchronized void forget(String sagaId, String digest) {
    Remembered known = starts.get(sagaId);
    if (known != null && known.digest().equals(digest)) {
      starts.remove(sagaId);
    }
  }

  synchronized int size() {
    return starts.size();
  }

  private void expire(Instant now) {
    Iterator<Map.Entry<String, Remembered>> it = starts.entrySet().iterator();
    while (it.hasNext() && it.next().getValue().at().plus(retention).isBefore(now)) {
      it.remove();
    }
  }
}
