package io.sagaflow.app;

import io.sagaflow.app.config.ConfigLoader;
import io.sagaflow.app.config.RunMode;
import io.sagaflow.app.config.SagaflowConfig;
import io.sagaflow.app.modules.ModuleLoader;
import io.sagaflow.app.modules.SagaModules;
import io.sagaflow.app.participants.SimulatedParticipants;
import io.sagaflow.serde.RegistryClientSettings;
import io.sagaflow.serde.SchemaRegistryClient;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code sagaflow participants}: only the loaded modules' simulated participants, against a broker
 * and registry that already run, so they can fail and restart apart from the saga processor (the
 * chaos runner kills them with SIGKILL). They read the {@code saga.participants.*} settings as
 * {@code run} does and consume in the same groups, {@code <application.id>-<name>}.
 */
@Command(
    name = "participants",
    mixinStandardHelpOptions = true,
    description =
        "Run only the simulated participants of the loaded saga modules against an existing"
            + " broker and registry (--bootstrap-servers, --set saga.schema.registry.url=...),"
            + " until Ctrl-C / SIGTERM. The command topics must exist: start `run` first. The"
            + " environment is preview unless --env says otherwise.")
final class ParticipantsCommand implements Callable<Integer> {
  @Mixin SettingsOptions options;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    Map<String, String> overrides = new LinkedHashMap<>(options.overrides());
    if (RunMode.EMBEDDED.name().equalsIgnoreCase(overrides.getOrDefault("saga.mode", "external"))) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "participants runs against an existing broker; --mode embedded has none to offer."
              + " Give --bootstrap-servers and --set saga.schema.registry.url=... instead.");
    }
    overrides.put("saga.mode", "external");
    // Simulations belong to preview, whose default registers the replies' schema on first use;
    // production's default would expect a release to have registered it.
    overrides.putIfAbsent("saga.env", "preview");
    // The process exists to run participants: saga.participants.enabled=false would leave it idle.
    overrides.put("saga.participants.enabled", "true");
    SagaflowConfig config = ConfigLoader.load(System.getenv(), overrides);
    SagaModules modules = ModuleLoader.load(config.pluginPath());
    ShutdownLatch shutdown = new ShutdownLatch();
    int status = 1;
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    // As in SagaflowRuntime: participant threads inherit this loader, which sees the plugins'
    // generated records, so nested step results stay specific records.
    thread.setContextClassLoader(modules.classLoader());
    try (Tracing tracing = Tracing.fromEnvironment();
        SimulatedParticipants participants =
            SimulatedParticipants.start(
                config,
                new SchemaRegistryClient(
                    RegistryClientSettings.of(config.requireSchemaRegistryUrl())),
                modules,
                tracing.openTelemetry())) {
      System.out.println(
          "Simulated participants running against " + config.kafka().get("bootstrap.servers"));
      System.out.flush();
      shutdown.await();
      System.out.println(
          "Simulated participants stopping; commands answered: " + participants.counts());
      status = 0;
    } finally {
      thread.setContextClassLoader(previous);
      shutdown.closed(status);
    }
    return status;
  }
}
