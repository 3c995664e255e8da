package io.sagaflow.app;

import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sagaflow run}: the main job. Embedded mode starts its own broker. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = "Run Sagaflow (embedded broker by default) until Ctrl-C / SIGTERM.")
final class RunCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

  @Mixin SettingsOptions options;

  @Option(
      names = "--exit",
      description = "Stop and exit once start-up has finished instead of waiting for Ctrl-C.")
  boolean exitWhenDone;

  @Override
  public Integer call() throws InterruptedException {
    ShutdownLatch shutdown = new ShutdownLatch();
    try {
      try (SagaflowRuntime runtime = new SagaflowRuntime(options.load()).start()) {
        LOG.info(
            "Sagaflow is running (Kafka at {}). {}",
            runtime.config().kafka().get("bootstrap.servers"),
            exitWhenDone ? "Exiting as asked (--exit)." : "Press Ctrl-C to stop.");
        if (!exitWhenDone) {
          shutdown.await();
          LOG.info("Stop requested; shutting down");
        }
      }
      // Logged before releasing the shutdown hook: once released, the JVM may halt at any moment.
      LOG.info("Sagaflow stopped cleanly");
    } finally {
      shutdown.closed();
    }
    return 0;
  }
}
