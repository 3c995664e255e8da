package io.sagaflow.app;

import io.sagaflow.app.config.ConfigLoader;
import io.sagaflow.app.config.RunMode;
import io.sagaflow.app.config.SagaflowConfig;
import io.sagaflow.app.demo.DemoWorkload;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code sagaflow run}: the main job. Embedded mode starts its own broker and schema registry; with
 * sagas enabled it runs the saga processor, the simulated participants and the seeded demo.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = "Run Sagaflow (embedded broker, registry and demo by default) until Ctrl-C.")
final class RunCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);
  private static final Duration DEMO_POLL = Duration.ofMillis(200);

  @Mixin SettingsOptions options;

  @Mixin DemoOptions demoOptions;

  @Option(
      names = "--exit",
      description =
          "Exit once the demo has finished (every saga terminal or STUCK, or"
              + " saga.demo.timeout.seconds passed), or at once after start-up without a demo.")
  boolean exitWhenDone;

  @Override
  public Integer call() throws InterruptedException {
    Map<String, String> overrides = new LinkedHashMap<>(options.overrides());
    overrides.putAll(demoOptions.overrides());
    SagaflowConfig config = ConfigLoader.load(System.getenv(), overrides);
    if (config.mode() == RunMode.EMBEDDED) {
      EmbeddedBrokerLogging.quietBrokerShutdown();
    }
    ShutdownLatch shutdown = new ShutdownLatch();
    int exitCode = 1;
    try {
      exitCode = runUntilDone(config, shutdown);
      // Logged before closed(): once the shutdown hook is released the JVM may halt at any moment.
      LOG.info("Sagaflow stopped cleanly");
    } finally {
      shutdown.closed(exitCode);
    }
    return exitCode;
  }

  private int runUntilDone(SagaflowConfig config, ShutdownLatch shutdown)
      throws InterruptedException {
    try (SagaflowRuntime runtime = new SagaflowRuntime(config).start()) {
      Addresses addresses = runtime.addresses();
      Path file = addresses.writeTo(runtime.config().dataDir());
      System.out.print(addresses.block());
      System.out.println("  (also in " + file + ")");
      System.out.println(
          exitWhenDone ? "Exiting when done, as asked (--exit)." : "Press Ctrl-C to stop.");
      System.out.flush();
      StatusReporter reporter = StatusReporter.start(runtime, System.out);
      try {
        return waitUntilDone(runtime.demo(), config, shutdown);
      } finally {
        reporter.close();
      }
    }
  }

  private int waitUntilDone(
      Optional<DemoWorkload> demo, SagaflowConfig config, ShutdownLatch shutdown)
      throws InterruptedException {
    if (!exitWhenDone) {
      shutdown.await();
      LOG.info("Stop requested; shutting down");
      return 0;
    }
    if (demo.isEmpty()) {
      return 0;
    }
    // A stop request must end the wait too: otherwise SIGTERM during the demo would go unheard
    // until the shutdown hook's grace ran out and the JVM halted without closing anything.
    long deadline = System.nanoTime() + config.demo().timeout().toNanos();
    while (!demo.get().awaitFinished(DEMO_POLL)) {
      if (shutdown.awaitStop(Duration.ZERO)) {
        LOG.info("Stop requested before the demo finished; shutting down");
        return 0;
      }
      if (System.nanoTime() - deadline >= 0) {
        System.out.println(
            "The demo did not finish within "
                + config.demo().timeout().toSeconds()
                + " s; some sagas are still running. Check saga.dlq and the log, or raise"
                + " saga.demo.timeout.seconds for larger workloads.");
        return 1;
      }
    }
    return 0;
  }
}
