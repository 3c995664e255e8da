package io.sagaflow.app;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Turns SIGTERM / Ctrl-C into an orderly stop: the JVM's shutdown hook releases {@link #await()}
 * and then waits until the main thread reports {@link #closed()}, so that brokers and stores close
 * cleanly before the JVM halts (an unclean exit makes Kafka Streams restore state from scratch).
 */
final class ShutdownLatch {
  private static final Duration CLOSE_GRACE = Duration.ofSeconds(60);

  private final CountDownLatch stopRequested = new CountDownLatch(1);
  private final CountDownLatch closed = new CountDownLatch(1);

  ShutdownLatch() {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  stopRequested.countDown();
                  try {
                    closed.await(CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                },
                "sagaflow-shutdown"));
  }

  /** Blocks until a stop is requested by a signal or by {@link #requestStop()}. */
  void await() throws InterruptedException {
    stopRequested.await();
  }

  /** Asks the main thread to stop, as a signal would. */
  void requestStop() {
    stopRequested.countDown();
  }

  /** Tells the shutdown hook that everything is closed and the JVM may halt. */
  void closed() {
    closed.countDown();
  }
}
