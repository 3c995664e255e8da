package io.sagaflow.connect.http;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * How often and how patiently one command delivery is tried over HTTP. Jitter spreads the retries
 * of many tasks hitting the same recovering service; unlike the engine's, it need not be
 * reproducible, since nothing replays the connector's timing.
 *
 * @param attempts requests per delivery, the first included
 * @param initialBackoff the wait before the second request
 * @param maxBackoff the bound of any one wait
 */
record RetryPolicy(int attempts, Duration initialBackoff, Duration maxBackoff) {

  /**
   * The wait after failed request number {@code failed} (from 1): the initial back-off doubled per
   * earlier failure, plus up to half of it drawn from {@code random} (in [0, 1)), capped.
   */
  Duration backoff(int failed, DoubleSupplier random) {
    double base = (double) initialBackoff.toMillis() * Math.pow(2, Math.min(failed - 1, 30));
    double withJitter = base + base * 0.5 * random.getAsDouble();
    return Duration.ofMillis((long) Math.min(withJitter, (double) maxBackoff.toMillis()));
  }
}
