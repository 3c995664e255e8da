package io.sagaflow.chaos;

import io.sagaflow.app.config.ConfigException;
import io.sagaflow.app.config.ParticipantsConfig;
import io.sagaflow.chaos.FaultPlan.Counts;
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

/** The chaos runner's command line; {@link ChaosRunner#main} runs it. */
@Command(
    name = "chaos",
    mixinStandardHelpOptions = true,
    description =
        "Run broker, registry, saga processors and participants as separate processes, send a"
            + " seeded workload, kill -9 processors and the broker at seeded moments, then verify"
            + " the committed record. The same --seed repeats the faults and the outcomes. Exit 0"
            + " when the run passed, 1 on any violation.")
final class ChaosCommand implements Callable<Integer> {
  @Option(names = "--seed", defaultValue = "42", description = "Faults and verdicts (default 42).")
  long seed;

  @Option(names = "--run-id", description = "Saga id prefix (default: chaos<seed>).")
  String runId;

  @Option(
      names = "--full",
      description =
          "The long run: 500 sagas per type, 20 processor kills, 3 broker restarts, 3 participant"
              + " kills, a zombie, processors scaled 1 -> 3 -> 1; options given still win.")
  boolean full;

  @Option(names = "--sagas", description = "Sagas per saga type (default 150, --full 500).")
  Integer sagas;

  @Option(
      names = "--processors",
      description = "Processors at the start, 1 to 3 (default 2, --full 1).")
  Integer processors;

  @Option(names = "--kills", description = "Processor kill -9s (default 5, --full 20).")
  Integer kills;

  @Option(names = "--broker-restarts", description = "Broker kill -9s (default 1, --full 3).")
  Integer brokerRestarts;

  @Option(
      names = "--participant-kills",
      description = "Participant process kill -9s (default 1, --full 3).")
  Integer participantKills;

  @Option(
      names = "--zombies",
      description = "Processors frozen (SIGSTOP) past their timeouts (default 0, --full 1).")
  Integer zombies;

  @Option(
      names = "--scale",
      arity = "0..1",
      description = "Add two processors, then remove two, mid-run (default off, --full on).")
  Boolean scale;

  @Option(
      names = "--commit-interval-ms",
      description = "The processors' commit.interval.ms, e.g. 5000 to kill inside transactions.")
  Long commitIntervalMs;

  @Option(names = "--standby-replicas", description = "The processors' num.standby.replicas.")
  Integer standbyReplicas;

  @Option(
      names = "--session-timeout-ms",
      description = "The processors' session.timeout.ms (Kafka's default is 45000).")
  Long sessionTimeoutMs;

  @Option(
      names = "--bad-inputs",
      defaultValue = "10",
      description = "Undecodable records injected, each owed a dead letter (default 10).")
  int badInputs;

  @Option(names = "--decline-rate", defaultValue = "0.1", description = "Default 0.1.")
  double declineRate;

  @Option(names = "--retriable-failure-rate", defaultValue = "0", description = "Default 0.")
  double retriableFailureRate;

  @Option(names = "--latency-ms", defaultValue = "5", description = "Participant latency, 5.")
  long latencyMs;

  @Option(
      names = "--silence-rate",
      defaultValue = "0.01",
      description = "Share of actions never answered (default 0.01).")
  double silenceRate;

  @Option(
      names = "--duplicate-reply-rate",
      defaultValue = "0.05",
      description = "Share of misbehaving first attempts answered twice (default 0.05).")
  double duplicateReplyRate;

  @Option(
      names = "--late-reply-rate",
      defaultValue = "0.02",
      description = "Share answered after the step's timeout (default 0.02).")
  double lateReplyRate;

  @Option(
      names = "--garbage-reply-rate",
      defaultValue = "0.02",
      description = "Share answered with garbage, each owed a dead letter (default 0.02).")
  double garbageReplyRate;

  @Option(names = "--min-gap-seconds", defaultValue = "4", description = "Default 4.")
  long minGapSeconds;

  @Option(names = "--max-gap-seconds", defaultValue = "10", description = "Default 10.")
  long maxGapSeconds;

  @Option(
      names = "--settle-timeout-seconds",
      defaultValue = "300",
      description = "How long every saga may take to settle after the last fault (default 300).")
  long settleTimeoutSeconds;

  @Option(
      names = "--jar",
      defaultValue = "saga-app/target/sagaflow.jar",
      description = "sagaflow.jar (default: ${DEFAULT-VALUE}).")
  Path jar;

  @Option(
      names = "--plugin-path",
      defaultValue = "target/example-plugins",
      description = "The saga module jars (default: ${DEFAULT-VALUE}).")
  Path pluginPath;

  @Option(
      names = "--work",
      description = "The run's directory, new or empty (default: target/chaos/<run id>-<time>).")
  Path work;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  static int execute(String... args) {
    return new CommandLine(new ChaosCommand()).execute(args);
  }

  @Override
  public Integer call() throws IOException, InterruptedException {
    ChaosSettings settings = settings();
    Files.createDirectories(settings.work());
    // Before any logger exists: the runner's own log goes beside the parts' logs, and the
    // console keeps only the run's lines.
    System.setProperty(
        "org.slf4j.simpleLogger.logFile", settings.work().resolve("logs/runner.log").toString());
    Files.createDirectories(settings.work().resolve("logs"));
    return new ChaosRunner(settings, System.out).run() ? 0 : 1;
  }

  private ParticipantsConfig participants() {
    try {
      return new ParticipantsConfig(
          true,
          seed,
          Duration.ofMillis(latencyMs),
          rate("--decline-rate", declineRate),
          rate("--retriable-failure-rate", retriableFailureRate),
          rate("--silence-rate", silenceRate),
          rate("--duplicate-reply-rate", duplicateReplyRate),
          rate("--late-reply-rate", lateReplyRate),
          rate("--garbage-reply-rate", garbageReplyRate),
          Set.of());
    } catch (ConfigException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  private double rate(String option, double value) {
    if (!(value >= 0.0 && value <= 1.0)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), option + " must be a rate from 0 to 1, was " + value);
    }
    return value;
  }

  private ChaosSettings settings() throws IOException {
    int processorCount = Optional.ofNullable(processors).orElse(full ? 1 : 2);
    if (processorCount < 1 || processorCount > 3) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--processors must be 1, 2 or 3, was " + processorCount);
    }
    if (minGapSeconds < 1 || maxGapSeconds < minGapSeconds) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "need 1 <= --min-gap-seconds <= --max-gap-seconds");
    }
    for (Path required : new Path[] {jar, pluginPath}) {
      if (!Files.exists(required)) {
        throw new CommandLine.ParameterException(
            spec.commandLine(),
            required.toAbsolutePath()
                + " does not exist: build it first (scripts/chaos does), or name it with --jar /"
                + " --plugin-path.");
      }
    }
    String id = Optional.ofNullable(runId).orElse("chaos" + seed);
    Path dir =
        Optional.ofNullable(work)
            .orElseGet(
                () ->
                    Path.of(
                        "target",
                        "chaos",
                        id
                            + "-"
                            + LocalDateTime.now(ZoneOffset.UTC)
                                .format(
                                    DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT))));
    if (Files.isDirectory(dir)) {
      try (var entries = Files.list(dir)) {
        if (entries.findAny().isPresent()) {
          throw new CommandLine.ParameterException(
              spec.commandLine(), dir.toAbsolutePath() + " is not empty: give a new --work.");
        }
      }
    }
    return new ChaosSettings(
        seed,
        id,
        Optional.ofNullable(sagas).orElse(full ? 500 : 150),
        processorCount,
        new Counts(
            Optional.ofNullable(kills).orElse(full ? 20 : 5),
            Optional.ofNullable(brokerRestarts).orElse(full ? 3 : 1),
            Optional.ofNullable(participantKills).orElse(full ? 3 : 1),
            Optional.ofNullable(zombies).orElse(full ? 1 : 0),
            Optional.ofNullable(scale).orElse(full)),
        Duration.ofSeconds(minGapSeconds),
        Duration.ofSeconds(maxGapSeconds),
        Optional.ofNullable(commitIntervalMs),
        Optional.ofNullable(standbyReplicas),
        Optional.ofNullable(sessionTimeoutMs),
        badInputs,
        participants(),
        jar.toAbsolutePath(),
        pluginPath.toAbsolutePath(),
        dir.toAbsolutePath(),
        Duration.ofSeconds(settleTimeoutSeconds),
        Duration.ofMinutes(2));
  }
}
