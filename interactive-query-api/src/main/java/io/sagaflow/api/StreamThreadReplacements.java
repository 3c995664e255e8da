package io.sagaflow.api;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;

/**
 * Stream threads that died of an uncaught exception and were replaced, counted in a sliding window.
 * A replaced thread restores its tasks and retries the record it died on, so a cause that does not
 * go away (a record whose output can never be written) replaces threads in a loop while Kafka
 * Streams passes through RUNNING between attempts: its state alone would call such a processor
 * ready. More than {@code max} replacements within {@code window} make the instance unready.
 *
 * <p>The window must hold {@code max + 1} turns of such a loop, and a turn is slow: the dead
 * thread's consumer does not leave the group, so its replacement's rebalance waits until the dead
 * member's session times out ({@code session.timeout.ms}, 45 s by default). Measured on the
 * embedded broker: one replacement about every 45 s, hence the default of 3 within 5 minutes.
 *
 * <p>Wrap the processor's handler with {@link #counting} before Kafka Streams starts. Thread-safe:
 * stream threads record, HTTP threads and the metrics scrape read.
 */
public final class StreamThreadReplacements {
  /** Replacements tolerated within the window; one more makes the instance unready. */
  public static final int DEFAULT_MAX = 3;

  /** How far back replacements count: four turns of a loop at the default session timeout. */
  public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(5);

  // A replacement builds a new thread, consumer and producer and restores tasks, so even a tight
  // loop stays far below this; the bound only keeps a huge configured window from growing memory.
  private static final int MAX_REMEMBERED = 10_000;

  private final int max;
  private final Duration window;
  private final Clock clock;
  private final Deque<Instant> recent = new ArrayDeque<>();
  private long total;
  private Optional<Replacement> last = Optional.empty();

  /**
   * @param max replacements tolerated within {@code window}, at least 0
   * @param window how far back replacements count; positive
   * @param clock the time replacements are stamped and the window measured with
   */
  public StreamThreadReplacements(int max, Duration window, Clock clock) {
    Objects.requireNonNull(window, "window");
    Objects.requireNonNull(clock, "clock");
    if (max < 0) {
      throw new IllegalArgumentException("max must be at least 0, got " + max);
    }
    if (window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("window must be positive, got " + window);
    }
    this.max = max;
    this.window = window;
    this.clock = clock;
  }

  /** {@link #DEFAULT_MAX} replacements within {@link #DEFAULT_WINDOW}, on the system clock. */
  public static StreamThreadReplacements withDefaults() {
    return new StreamThreadReplacements(DEFAULT_MAX, DEFAULT_WINDOW, Clock.systemUTC());
  }

  /**
   * A handler that answers as {@code handler} does and counts each {@code REPLACE_THREAD} answer.
   * Other answers stop the client or the application, which its state already shows.
   */
  public StreamsUncaughtExceptionHandler counting(StreamsUncaughtExceptionHandler handler) {
    Objects.requireNonNull(handler, "handler");
    return failure -> {
      StreamThreadExceptionResponse response = handler.handle(failure);
      if (response == StreamThreadExceptionResponse.REPLACE_THREAD) {
        record(failure);
      }
      return response;
    };
  }

  /** Counts one replacement of a thread that died of {@code failure}, now. */
  synchronized void record(Throwable failure) {
    Instant now = clock.instant();
    total++;
    last = Optional.of(new Replacement(now, FailureSummary.of(failure)));
    recent.addLast(now);
    if (recent.size() > MAX_REMEMBERED) {
      recent.removeFirst();
    }
  }

  /** Replacements since start, for the metric. */
  synchronized long total() {
    return total;
  }

  /** The replacements as of now. */
  public synchronized Snapshot snapshot() {
    Instant start = clock.instant().minus(window);
    while (!recent.isEmpty() && !recent.peekFirst().isAfter(start)) {
      recent.removeFirst();
    }
    return new Snapshot(recent.size(), max, window, total, last);
  }

  /**
   * The count at one moment.
   *
   * @param inWindow replacements within the last {@code window}
   * @param max replacements tolerated within the window
   * @param window how far back replacements count
   * @param total replacements since start
   * @param last the latest replacement, if any
   */
  public record Snapshot(
      int inWindow, int max, Duration window, long total, Optional<Replacement> last) {
    /** Whether threads are replaced too often for the instance to be ready. */
    public boolean tooMany() {
      return inWindow > max;
    }
  }

  /**
   * One replacement.
   *
   * @param at when the thread's death was handled
   * @param failure what it died of
   */
  public record Replacement(Instant at, FailureSummary failure) {}
}
