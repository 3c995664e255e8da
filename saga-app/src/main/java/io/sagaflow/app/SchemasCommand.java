package io.sagaflow.app;

import io.sagaflow.app.config.ConfigException;
import io.sagaflow.app.config.ConfigLoader;
import io.sagaflow.app.config.SagaflowConfig;
import io.sagaflow.app.modules.ModuleLoader;
import io.sagaflow.app.modules.SagaModules;
import io.sagaflow.serde.RegistryClientSettings;
import io.sagaflow.serde.SchemaRegistry;
import io.sagaflow.serde.SchemaRegistryClient;
import io.sagaflow.serde.SchemaRegistryException;
import io.sagaflow.topology.SagaClassLoader;
import io.sagaflow.topology.SchemaSubjects;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.BiFunction;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code sagaflow schemas register|check}: the schemas the processor, the HTTP API and the loaded
 * saga modules look up, under the subjects they look them up under ({@link SchemaSubjects}),
 * registered in or compared with a registry. With auto-registration off (production) they must all
 * be registered before start.
 */
@Command(
    name = "schemas",
    mixinStandardHelpOptions = true,
    description =
        "Register or check the schemas Sagaflow and the loaded saga modules look up in the schema"
            + " registry (needed before a start with saga.schema.auto.register=false).",
    subcommands = {SchemasCommand.Register.class, SchemasCommand.Check.class})
final class SchemasCommand implements Runnable {
  /** Exit code when a schema is missing or incompatible, or a command type is unknown. */
  static final int NOT_READY = 1;

  /** Exit code when the registry cannot be reached or refuses the client. */
  static final int REGISTRY_FAILED = 3;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "Name a subcommand: register or check.");
  }

  /** {@code sagaflow schemas register}. */
  @Command(
      name = "register",
      mixinStandardHelpOptions = true,
      description =
          "Register every schema the processor, the HTTP API and the saga modules look up; what is"
              + " registered already is left as it is. Exit 0 when all are registered, 1 when one"
              + " is incompatible with its subject or a command type is unknown, 3 when the"
              + " registry fails.")
  static final class Register implements Callable<Integer> {
    @Mixin RegistryOptions options;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      return options.run(spec.commandLine().getOut(), spec.commandLine().getErr(), true);
    }
  }

  /** {@code sagaflow schemas check}. */
  @Command(
      name = "check",
      mixinStandardHelpOptions = true,
      description =
          "Report each schema as present, missing or incompatible, and what register would do."
              + " Exit 0 when all are present, 1 when one is missing or incompatible or a command"
              + " type is unknown, 3 when the registry fails.")
  static final class Check implements Callable<Integer> {
    @Mixin RegistryOptions options;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      return options.run(spec.commandLine().getOut(), spec.commandLine().getErr(), false);
    }
  }

  /** The options both subcommands take, and the run they share. */
  static final class RegistryOptions {
    @Option(
        names = "--registry-url",
        paramLabel = "URL",
        description =
            "The Confluent-compatible schema registry (saga.schema.registry.url,"
                + " SAGA_SCHEMA_REGISTRY_URL).")
    String registryUrl;

    @Mixin SettingsOptions settings;

    int run(PrintWriter out, PrintWriter err, boolean register) {
      Map<String, String> overrides = new LinkedHashMap<>(settings.overrides());
      if (registryUrl != null) {
        overrides.put("saga.schema.registry.url", registryUrl);
      }
      SagaflowConfig config = ConfigLoader.loadWithoutCluster(System.getenv(), overrides);
      String url =
          config
              .schemaRegistryUrl()
              .orElseThrow(
                  () ->
                      new ConfigException(
                          "No schema registry: pass --registry-url URL (or set"
                              + " SAGA_SCHEMA_REGISTRY_URL)."));
      checkUrl(url);
      SagaModules modules = ModuleLoader.load(config.pluginPath());
      // The definitions' command factories run on this thread; a plugin's generated builders copy
      // nested records through the context class loader, as on the runtime's threads.
      Thread thread = Thread.currentThread();
      ClassLoader previous = thread.getContextClassLoader();
      SchemaSubjects.Listing listing;
      thread.setContextClassLoader(SagaClassLoader.of(modules.registry()));
      try {
        listing = SchemaSubjects.of(modules.registry(), config.applicationId());
      } finally {
        thread.setContextClassLoader(previous);
      }
      SchemaRegistry registry = new SchemaRegistryClient(RegistryClientSettings.of(url));
      SchemaAudit audit = new SchemaAudit(registry);
      BiFunction<SchemaAudit, List<SchemaSubjects.Required>, List<SchemaAudit.Finding>> work =
          register ? SchemaAudit::register : SchemaAudit::check;
      List<SchemaAudit.Finding> findings;
      try {
        findings = work.apply(audit, listing.schemas());
      } catch (SchemaRegistryException e) {
        err.println(
            "Cannot use the schema registry at " + registry.location() + ": " + e.getMessage());
        return REGISTRY_FAILED;
      }
      SchemaReport report = new SchemaReport(registry.location(), modules, config);
      report.print(out, findings, listing.problems(), register);
      out.flush();
      boolean ready =
          listing.problems().isEmpty() && findings.stream().allMatch(SchemaAudit.Finding::ok);
      return ready ? 0 : NOT_READY;
    }

    private static void checkUrl(String url) {
      try {
        URI uri = new URI(url);
        if (uri.getScheme() == null
            || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
            || uri.getHost() == null) {
          throw new ConfigException(
              "Invalid registry URL '"
                  + url
                  + "': expected http://host:port or https://host:port, for example"
                  + " http://registry:8081.");
        }
      } catch (URISyntaxException e) {
        throw new ConfigException("Invalid registry URL '" + url + "': " + e.getMessage() + ".", e);
      }
    }
  }
}
