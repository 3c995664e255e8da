package io.sagaflow.app;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Turns SIGTERM / Ctrl-C into an orderly stop: the JVM's shutdown hook releases {@link #await()}
 * and then waits until the main thread reports {@link #closed(int)}, so that brokers and stores
 * close cleanly before the JVM halts (an unclean exit makes Kafka Streams restore state from
 * scratch). The JVM would then exit with 143 (killed by SIGTERM) however cleanly everything closed;
 * the hook ends it with the command's own status instead, so a clean stop exits 0.
 */
final class ShutdownLatch {
  private static final Duration CLOSE_GRACE = Duration.ofSeconds(60);

  private final CountDownLatch stopRequested = new CountDownLatch(1);
  private final CountDownLatch closed = new CountDownLatch(1);
  private volatile int exitStatus = 1;

  ShutdownLatch() {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  // Already closed: the command ended by itself and System.exit carries its
                  // status. Otherwise a signal stopped it, and the JVM would exit with 143.
                  boolean stoppedBySignal = closed.getCount() > 0;
                  stopRequested.countDown();
                  try {
                    if (closed.await(CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS)
                        && stoppedBySignal) {
                      // halt skips the hook that deletes what was marked delete-on-exit.
                      UnpackedLibraries.delete();
                      Runtime.getRuntime().halt(exitStatus);
                    }
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

  /** Waits up to {@code timeout} for a stop request; true when one came. */
  boolean awaitStop(Duration timeout) throws InterruptedException {
    return stopRequested.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Asks the main thread to stop, as a signal would. */
  void requestStop() {
    stopRequested.countDown();
  }

  /**
   * Tells the shutdown hook that everything is closed and the JVM may halt with {@code status}: 0
   * after a clean stop, non-zero when the command failed.
   */
  void closed(int status) {
    exitStatus = status;
    closed.countDown();
  }
}
