package io.sagaflow.topology;

import java.time.Duration;
import java.util.Objects;

/**
 * How long the processor's stores keep what no saga will need again, so that they stay bounded by
 * the rate of sagas times the retention instead of growing for as long as the processor runs.
 *
 * @param finished how long a COMPLETED, COMPENSATED or FAILED saga stays after it ended (its state
 *     and index entry); {@link Duration#ZERO} keeps them forever
 * @param deadLetters how long a dead letter stays in the {@code saga-dead-letters} store after it
 *     was written; {@link Duration#ZERO} keeps them forever
 * @param interval how often each task scans (wall-clock)
 * @param budget how many store entries one scan of one task visits at most, so a large store is
 *     worked through over several scans instead of stalling the task's commit
 */
public record Retention(Duration finished, Duration deadLetters, Duration interval, int budget) {
  /** Default time between two scans of one task. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);

  /** Default number of entries one scan visits. */
  public static final int DEFAULT_BUDGET = 1000;

  /** Keeps everything forever: no scan runs. */
  public static final Retention OFF =
      new Retention(Duration.ZERO, Duration.ZERO, DEFAULT_INTERVAL, DEFAULT_BUDGET);

  /** Rejects negative durations and a non-positive interval or budget. */
  public Retention {
    Objects.requireNonNull(finished, "finished");
    Objects.requireNonNull(deadLetters, "deadLetters");
    Objects.requireNonNull(interval, "interval");
    if (finished.isNegative() || deadLetters.isNegative()) {
      throw new IllegalArgumentException("retention must not be negative");
    }
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("retention interval must be positive");
    }
    if (budget <= 0) {
      throw new IllegalArgumentException("retention budget must be positive");
    }
  }

  /**
   * Finished sagas kept for {@code finished}, dead letters for {@code deadLetters}, scanned with
   * the default interval and budget.
   */
  public static Retention of(Duration finished, Duration deadLetters) {
    return new Retention(finished, deadLetters, DEFAULT_INTERVAL, DEFAULT_BUDGET);
  }

  /** Whether finished sagas are ever removed. */
  boolean removesFinished() {
    return !finished.isZero();
  }

  /** Whether dead letters are ever removed from the store. */
  boolean removesDeadLetters() {
    return !deadLetters.isZero();
  }
}
