package io.sagaflow.engine;

import java.time.Duration;
import java.util.Collections;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * How often and how fast a command is retried after a retriable failure or a timeout.
 *
 * <p>The delay after failed attempt {@code n} is {@code initialBackoff * multiplier^(n-1)}, capped
 * at {@code maxBackoff}, then spread by {@code ±jitter} (a fraction of the delay) using a generator
 * seeded by the caller, and capped again. The computation uses {@link StrictMath} and a seeded
 * {@link SplittableRandom}, so the same seed gives the same delay on every JVM.
 *
 * @param maxAttempts total attempts including the first one; at least 1
 * @param initialBackoff delay after the first failed attempt; not negative
 * @param multiplier growth factor per further attempt; at least 1
 * @param maxBackoff upper bound of any delay; not shorter than {@code initialBackoff}
 * @param jitter fraction in [0, 1] by which a delay may deviate either way
 * @param nonRetriableCodes error codes that fail at once, even when attempts remain (sorted)
 */
public record RetryPolicy(
    int maxAttempts,
    Duration initialBackoff,
    double multiplier,
    Duration maxBackoff,
    double jitter,
    Set<String> nonRetriableCodes) {

  /** Validates the policy; messages say which field is wrong and what is allowed. */
  public RetryPolicy {
    Objects.requireNonNull(initialBackoff, "initialBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    Objects.requireNonNull(nonRetriableCodes, "nonRetriableCodes");
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
    }
    if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException(
          "backoff must satisfy 0 <= initialBackoff <= maxBackoff, was "
              + initialBackoff
              + " and "
              + maxBackoff);
    }
    if (!(multiplier >= 1.0) || !(jitter >= 0.0 && jitter <= 1.0)) {
      throw new IllegalArgumentException(
          "multiplier must be >= 1 and jitter within [0, 1], was " + multiplier + " and " + jitter);
    }
    nonRetriableCodes = Collections.unmodifiableSortedSet(new TreeSet<>(nonRetriableCodes));
  }

  /**
   * A single attempt: the first failure is final. The default for compensatable and pivot steps.
   */
  public static RetryPolicy none() {
    return new RetryPolicy(1, Duration.ZERO, 1.0, Duration.ZERO, 0.0, Set.of());
  }

  /** Exponential back-off without jitter and without non-retriable codes. */
  public static RetryPolicy exponential(
      int maxAttempts, Duration initialBackoff, double multiplier, Duration maxBackoff) {
    return new RetryPolicy(maxAttempts, initialBackoff, multiplier, maxBackoff, 0.0, Set.of());
  }

  /**
   * The default for compensations: 5 attempts, 1 s doubling up to 1 min, 20% jitter. Compensations
   * must be idempotent, so retrying them is always safe.
   */
  public static RetryPolicy defaultCompensation() {
    return new RetryPolicy(5, Duration.ofSeconds(1), 2.0, Duration.ofMinutes(1), 0.2, Set.of());
  }

  /** A copy with the given jitter fraction. */
  public RetryPolicy withJitter(double fraction) {
    return new RetryPolicy(
        maxAttempts, initialBackoff, multiplier, maxBackoff, fraction, nonRetriableCodes);
  }

  /** A copy whose given error codes fail at once instead of being retried. */
  public RetryPolicy withNonRetriableCodes(String... codes) {
    return new RetryPolicy(
        maxAttempts, initialBackoff, multiplier, maxBackoff, jitter, Set.of(codes));
  }

  /** True when another attempt may follow the given (1-based) attempt. */
  public boolean allowsAttemptAfter(int attempt) {
    return attempt < maxAttempts;
  }

  /** True when a failure with this code may be retried at all. */
  public boolean isRetriable(String code) {
    return !nonRetriableCodes.contains(code);
  }

  /**
   * The delay before the attempt that follows failed attempt {@code failedAttempt}.
   *
   * @param seed derived from the saga id, step, attempt and kind, so replays reproduce the delay
   */
  public Duration backoffAfter(int failedAttempt, long seed) {
    double max = maxBackoff.toMillis();
    double base =
        Math.min(max, initialBackoff.toMillis() * StrictMath.pow(multiplier, failedAttempt - 1.0));
    double spread = jitter * (2.0 * new SplittableRandom(seed).nextDouble() - 1.0);
    long millis = Math.round(Math.min(max, base * (1.0 + spread)));
    return Duration.ofMillis(millis);
  }
}
