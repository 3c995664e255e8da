package io.sagaflow.chaos;

import io.sagaflow.app.config.ParticipantsConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The preview runner's command line; {@link PreviewRunner#main} runs it. */
@Command(
    name = "preview",
    mixinStandardHelpOptions = true,
    description =
        "Deploy the build as the preview environment (broker, registry, processors and"
            + " participants as separate processes), roll out a candidate saga version whose"
            + " invariant is broken, send sagas, and observe the processors roll it back by"
            + " themselves; then check that every saga ended once and that later sagas got the"
            + " stable version. Exit 0 when all of that held, 1 otherwise.")
final class PreviewCommand implements Callable<Integer> {
  @Option(
      names = "--no-rollback",
      description =
          "Start the rollout with guards that cannot fire: the preview must then fail, saying the"
              + " rollback was not observed.")
  boolean noRollback;

  @Option(
      names = "--saga-type",
      defaultValue = "money-transfer",
      description = "Default: ${DEFAULT-VALUE}.")
  String sagaType;

  @Option(names = "--stable", defaultValue = "1", description = "Default: ${DEFAULT-VALUE}.")
  int stable;

  @Option(names = "--candidate", defaultValue = "2", description = "Default: ${DEFAULT-VALUE}.")
  int candidate;

  @Option(
      names = "--weight",
      defaultValue = "5000",
      description = "Candidate's share of new sagas in basis points (default 5000, 50%%).")
  int weight;

  @Option(
      names = "--sagas",
      defaultValue = "100",
      description = "Sagas started during the canary (default ${DEFAULT-VALUE}).")
  int canarySagas;

  @Option(
      names = "--sagas-after",
      defaultValue = "40",
      description = "Sagas started after the rollback (default ${DEFAULT-VALUE}).")
  int afterSagas;

  @Option(names = "--processors", defaultValue = "2", description = "Default: ${DEFAULT-VALUE}.")
  int processors;

  @Option(names = "--seed", defaultValue = "42", description = "Participants' verdicts, data.")
  long seed;

  @Option(names = "--decline-rate", defaultValue = "0.1", description = "Default 0.1.")
  double declineRate;

  @Option(
      names = "--rollback-timeout-seconds",
      defaultValue = "60",
      description = "How long after the canary the rollback must be observed (default 60).")
  long rollbackTimeoutSeconds;

  @Option(
      names = "--settle-timeout-seconds",
      defaultValue = "120",
      description = "How long every saga may take to end after the last start (default 120).")
  long settleTimeoutSeconds;

  @Option(
      names = "--jar",
      defaultValue = "saga-app/target/sagaflow.jar",
      description = "sagaflow.jar (default: ${DEFAULT-VALUE}).")
  Path jar;

  @Option(
      names = "--plugin-path",
      required = true,
      description = "Plugin directory with the stable and the candidate version.")
  Path pluginPath;

  @Option(
      names = "--work",
      description = "The run's directory, new or empty (default: target/preview/<run id>).")
  Path work;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  static int execute(String... args) {
    return new CommandLine(new PreviewCommand()).execute(args);
  }

  @Override
  public Integer call() throws IOException, InterruptedException {
    PreviewSettings settings = settings();
    Files.createDirectories(settings.work().resolve("logs"));
    // Before any logger exists: the runner's own log goes beside the parts' logs.
    System.setProperty(
        "org.slf4j.simpleLogger.logFile", settings.work().resolve("logs/runner.log").toString());
    return new PreviewRunner(settings, System.out).run() ? 0 : 1;
  }

  private PreviewSettings settings() throws IOException {
    if (processors < 1 || processors > 3) {
      throw usage("--processors must be 1, 2 or 3, was " + processors);
    }
    if (weight < 1 || weight > 10_000) {
      throw usage("--weight must be 1 to 10000 basis points, was " + weight);
    }
    if (canarySagas < 1 || afterSagas < 1) {
      throw usage("--sagas and --sagas-after must be at least 1");
    }
    if (!(declineRate >= 0.0 && declineRate <= 1.0)) {
      throw usage("--decline-rate must be a rate from 0 to 1, was " + declineRate);
    }
    for (Path required : new Path[] {jar, pluginPath}) {
      if (!Files.exists(required)) {
        throw usage(
            required.toAbsolutePath()
                + " does not exist: build it first (scripts/preview does), or name it with --jar /"
                + " --plugin-path.");
      }
    }
    String runId =
        "preview-"
            + LocalDateTime.now(ZoneOffset.UTC)
                .format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT));
    Path dir = Optional.ofNullable(work).orElseGet(() -> Path.of("target", "preview", runId));
    if (Files.isDirectory(dir)) {
      try (var entries = Files.list(dir)) {
        if (entries.findAny().isPresent()) {
          throw usage(dir.toAbsolutePath() + " is not empty: give a new --work.");
        }
      }
    }
    return new PreviewSettings(
        runId,
        sagaType,
        stable,
        candidate,
        weight,
        !noRollback,
        canarySagas,
        afterSagas,
        processors,
        new ParticipantsConfig(
            true, seed, Duration.ofMillis(5), declineRate, 0.0, 0.0, 0.0, 0.0, 0.0, Set.of()),
        jar.toAbsolutePath(),
        pluginPath.toAbsolutePath(),
        dir.toAbsolutePath(),
        Duration.ofSeconds(rollbackTimeoutSeconds),
        Duration.ofSeconds(settleTimeoutSeconds));
  }

  private CommandLine.ParameterException usage(String message) {
    return new CommandLine.ParameterException(spec.commandLine(), message);
  }
}
