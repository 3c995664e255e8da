package io.sagaflow.app;

import io.sagaflow.app.demo.DemoWorkload;
import java.io.PrintStream;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prints what the operator watches: the demo's progress every second and its summary once it is
 * done, or, when sagas are disabled, the health line saying so every ten seconds.
 */
final class StatusReporter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StatusReporter.class);
  private static final int HEALTH_EVERY_TICKS = 10;

  private final SagaflowRuntime runtime;
  private final PrintStream out;
  private final ScheduledExecutorService timer;
  private boolean summaryPrinted;
  private long ticks;

  private StatusReporter(SagaflowRuntime runtime, PrintStream out) {
    this.runtime = runtime;
    this.out = out;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread thread = new Thread(r, "status-reporter");
              thread.setDaemon(true);
              return thread;
            });
  }

  /** Prints the health line now and then starts the periodic output. */
  static StatusReporter start(SagaflowRuntime runtime, PrintStream out) {
    StatusReporter reporter = new StatusReporter(runtime, out);
    out.println(runtime.health());
    out.flush();
    // The periodic task never throws (tick catches), so its future holds no failure to look at.
    ScheduledFuture<?> unused =
        reporter.timer.scheduleAtFixedRate(reporter::tick, 1, 1, TimeUnit.SECONDS);
    return reporter;
  }

  private synchronized void tick() {
    try {
      report();
    } catch (RuntimeException e) {
      // A failed line must not end the periodic output, which would silently stop progress.
      LOG.error("Could not print the status line: {}", e, e);
    }
  }

  private void report() {
    ticks++;
    Optional<DemoWorkload> demo = runtime.demo();
    if (demo.isPresent() && !summaryPrinted) {
      DemoWorkload workload = demo.get();
      if (workload.snapshot().finished()) {
        printSummary(workload);
        out.println("Sagaflow keeps running; press Ctrl-C to stop.");
      } else {
        out.println(workload.progressLine());
      }
    } else if (demo.isEmpty() && ticks % HEALTH_EVERY_TICKS == 0) {
      out.println(runtime.health());
    }
    out.flush();
  }

  private void printSummary(DemoWorkload workload) {
    out.println(workload.progressLine());
    out.println(workload.summary());
    summaryPrinted = true;
  }

  /** Stops the periodic output; prints the demo's summary if it has not been printed yet. */
  @Override
  public void close() {
    timer.shutdownNow();
    try {
      timer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (this) {
      runtime.demo().filter(d -> !summaryPrinted).ifPresent(this::printSummary);
      out.flush();
    }
  }
}
