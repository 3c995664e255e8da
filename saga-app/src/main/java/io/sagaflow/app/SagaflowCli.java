package io.sagaflow.app;

import io.sagaflow.app.config.ConfigException;
import io.sagaflow.app.fixture.FixtureCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the executable jar: {@code java -jar sagaflow.jar <command>}. */
@Command(
    name = "sagaflow",
    mixinStandardHelpOptions = true,
    version = "Sagaflow 0.1.0",
    description = "Kafka Streams saga orchestrator.",
    subcommands = {
      RunCommand.class,
      KafkaCommand.class,
      RegistryCommand.class,
      FixtureCommand.class,
      ParticipantsCommand.class,
      SchemasCommand.class,
      DlqCommand.class,
      RolloutCommand.class
    })
public final class SagaflowCli implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Runs the command line and exits with its exit code. */
  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the command line and returns its exit code (2 for usage or configuration errors). */
  public static int execute(String... args) {
    return execute(new CommandLine(new SagaflowCli()), args);
  }

  /** Like {@link #execute(String...)}, with the commands' output and errors going elsewhere. */
  public static int execute(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
    CommandLine cli = new CommandLine(new SagaflowCli());
    cli.setOut(out);
    cli.setErr(err);
    return execute(cli, args);
  }

  private static int execute(CommandLine cli, String... args) {
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          if (e instanceof ConfigException) {
            commandLine.getErr().println("Configuration error: " + e.getMessage());
            return CommandLine.ExitCode.USAGE;
          }
          org.apache.kafka.common.config.ConfigException kafkaSetting = kafkaConfigError(e);
          if (kafkaSetting != null) {
            // A Kafka client refused a kafka.* setting: the operator's to fix, like ours.
            commandLine.getErr().println("Configuration error: " + kafkaSetting.getMessage());
            return CommandLine.ExitCode.USAGE;
          }
          if (e instanceof StartupException) {
            commandLine.getErr().println("Start-up failed: " + e.getMessage());
            return CommandLine.ExitCode.SOFTWARE;
          }
          throw e;
        });
    return cli.execute(args);
  }

  private static org.apache.kafka.common.config.ConfigException kafkaConfigError(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof org.apache.kafka.common.config.ConfigException c) {
        return c;
      }
    }
    return null;
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(),
        "Name a command: run (the saga processor), kafka (a broker only), registry (a schema"
            + " registry only), schemas (register or check the schemas in a registry) or dlq (search and"
            + " redrive dead letters).");
  }
}
