package io.sagaflow.chaos;

import io.sagaflow.app.config.ParticipantsConfig;
import io.sagaflow.app.modules.ModuleLoader;
import io.sagaflow.app.modules.SagaModules;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The verifier's command line; {@link Verifier#main} runs it. */
@Command(
    name = "verifier",
    mixinStandardHelpOptions = true,
    description =
        "Read every saga topic read_committed and check a finished run: no saga lost, each ended"
            + " as the seed predicts, no command id twice, one dead letter per injected bad input,"
            + " no transaction left open, saga-state agreeing with saga.events and with a replay"
            + " of the committed inputs, no timer that beat a reply already on saga.replies. Exit"
            + " 0 when it passed, 1 on any violation.")
final class VerifierCommand implements Callable<Integer> {
  private static final Pattern WHITESPACE = Pattern.compile("\\s+");

  @Option(names = "--bootstrap-servers", required = true, description = "The run's Kafka cluster.")
  String bootstrapServers;

  @Option(names = "--registry-url", required = true, description = "The run's schema registry.")
  String registryUrl;

  @Option(
      names = "--plugin-path",
      paramLabel = "DIR",
      description = "Saga module jars the run loaded (as for sagaflow run --plugin-path).")
  Path pluginPath;

  @Option(
      names = "--application-id",
      defaultValue = "sagaflow",
      description = "The processors' application.id (default: ${DEFAULT-VALUE}).")
  String applicationId;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Started started;

  static final class Started {
    @ArgGroup(exclusive = false)
    Run run;

    @Option(
        names = "--saga-ids",
        paramLabel = "FILE",
        description =
            "A file of started sagas, one a line: '<saga type> <saga id>'. Blank lines and lines"
                + " starting with # are skipped.")
    Path idsFile;
  }

  static final class Run {
    @Option(
        names = "--run-id",
        required = true,
        description =
            "The run's id: sagas are <run id>-<noun>-00001 ... per module with demo data.")
    String runId;

    @Option(names = "--sagas", required = true, description = "Sagas started per saga type.")
    int perType;
  }

  @Option(names = "--seed", defaultValue = "42", description = "saga.participants.seed of the run.")
  long seed;

  @Option(names = "--decline-rate", defaultValue = "0.1", description = "Of the run.")
  double declineRate;

  @Option(names = "--retriable-failure-rate", defaultValue = "0", description = "Of the run.")
  double retriableFailureRate;

  @Option(names = "--silence-rate", defaultValue = "0", description = "Of the run.")
  double silenceRate;

  @Option(
      names = "--garbage-reply-rate",
      defaultValue = "0",
      description =
          "Of the run: the garbage replies it draws from the seed are owed a dead letter each, on"
              + " top of --expected-dead-letters.")
  double garbageReplyRate;

  @Option(
      names = "--expected-dead-letters",
      defaultValue = "0",
      description = "Bad inputs the run injected, each owed one dead letter.")
  long expectedDeadLetters;

  @Option(
      names = "--open-transaction-timeout-seconds",
      defaultValue = "60",
      description = "How long a transaction may stay open (default: ${DEFAULT-VALUE}).")
  long openTransactionSeconds;

  @Option(
      names = "--timer-race-tolerance-ms",
      defaultValue = "2000",
      description =
          "How long a reply may wait on saga.replies before a late timeout of its attempt counts"
              + " as a timer that beat it (default: ${DEFAULT-VALUE}).")
  long timerRaceToleranceMs;

  static int execute(String... args) {
    return new CommandLine(new VerifierCommand()).execute(args);
  }

  @Override
  public Integer call() throws IOException, InterruptedException {
    SagaModules modules = ModuleLoader.load(Optional.ofNullable(pluginPath));
    List<StartedSaga> sagas =
        started.idsFile != null
            ? readIds(started.idsFile)
            : StartedSaga.ofRun(modules, started.run.runId, started.run.perType);
    // Duplicate and late replies change no outcome and no count checked here: left at 0.
    ParticipantsConfig participants =
        new ParticipantsConfig(
            true,
            seed,
            Duration.ZERO,
            declineRate,
            retriableFailureRate,
            silenceRate,
            0.0,
            0.0,
            garbageReplyRate,
            Set.of());
    long garbage = GarbageReplies.predicted(modules, sagas, participants);
    System.out.printf(
        Locale.ROOT,
        "verifier  dead letters owed: %d bad inputs + %d garbage replies drawn from the seed%n",
        expectedDeadLetters,
        garbage);
    VerifierSettings settings =
        new VerifierSettings(
            bootstrapServers,
            registryUrl,
            applicationId,
            sagas,
            participants,
            expectedDeadLetters + garbage,
            Duration.ofSeconds(openTransactionSeconds),
            VerifierSettings.DEFAULT_READ_BOUND,
            Duration.ofMillis(timerRaceToleranceMs));
    VerificationReport report = Verifier.verify(settings, modules);
    report.print(System.out);
    return report.passed() ? 0 : 1;
  }

  private static List<StartedSaga> readIds(Path file) throws IOException {
    List<StartedSaga> sagas = new ArrayList<>();
    int number = 0;
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      number++;
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("#")) {
        continue;
      }
      String[] parts = WHITESPACE.split(trimmed, -1);
      if (parts.length != 2) {
        throw new IllegalArgumentException(
            file + " line " + number + ": expected '<saga type> <saga id>', got '" + line + "'");
      }
      sagas.add(new StartedSaga(parts[1], parts[0]));
    }
    return sagas;
  }
}
