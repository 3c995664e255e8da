package io.sagaflow.app;

import io.sagaflow.app.config.SagaflowConfig;
import io.sagaflow.app.modules.SagaModules;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What {@code sagaflow schemas} prints: one line per schema (its standing, subject, record and
 * role), the steps whose command type is unknown, and a summary with the command to run next.
 */
final class SchemaReport {
  private final String registry;
  private final SagaModules modules;
  private final SagaflowConfig config;

  SchemaReport(String registry, SagaModules modules, SagaflowConfig config) {
    this.registry = registry;
    this.modules = modules;
    this.config = config;
  }

  /**
   * The command that registers what this configuration's instances look up: the registry, and where
   * the modules are when they come from a plugin path.
   */
  static String registerCommand(String registryUrl, SagaflowConfig config) {
    StringBuilder command =
        new StringBuilder("sagaflow schemas register --registry-url ").append(registryUrl);
    config.pluginPath().ifPresent(dir -> command.append(" --plugin-path ").append(dir));
    if (!config.applicationId().equals("sagaflow")) {
      // The state changelog's subject is named after the application id.
      command.append(" --set kafka.application.id=").append(config.applicationId());
    }
    return command.toString();
  }

  void print(
      PrintWriter out,
      List<SchemaAudit.Finding> findings,
      List<String> problems,
      boolean register) {
    out.println("Schema registry " + registry + "; saga modules:");
    out.println(modules.describe());
    int width = findings.stream().mapToInt(f -> f.schema().subject().length()).max().orElse(0) + 2;
    for (SchemaAudit.Finding finding : findings) {
      out.println(line(finding, width, register));
    }
    for (String problem : problems) {
      out.println("unknown       " + problem);
    }
    Map<SchemaAudit.State, Long> counts =
        findings.stream()
            .collect(Collectors.groupingBy(SchemaAudit.Finding::state, Collectors.counting()));
    Function<SchemaAudit.State, Long> count = s -> counts.getOrDefault(s, 0L);
    long missing = count.apply(SchemaAudit.State.MISSING);
    long incompatible = count.apply(SchemaAudit.State.INCOMPATIBLE);
    out.println(
        (register
                ? count.apply(SchemaAudit.State.REGISTERED)
                    + " registered, "
                    + count.apply(SchemaAudit.State.PRESENT)
                    + " already registered, "
                : count.apply(SchemaAudit.State.PRESENT) + " present, " + missing + " missing, ")
            + incompatible
            + " incompatible"
            + (problems.isEmpty() ? "" : ", " + problems.size() + " command types unknown")
            + ".");
    if (missing > 0) {
      out.println(
          "Register the missing ones with: "
              + registerCommand(registry, config)
              + " (then sagaflow schemas check passes).");
    }
    if (incompatible > 0) {
      out.println(
          "An incompatible schema cannot become the next version of its subject under the"
              + " subject's compatibility level: evolve the schema compatibly (docs/contracts.md),"
              + " or change the subject's level deliberately.");
    }
  }

  private static String line(SchemaAudit.Finding finding, int width, boolean register) {
    String state =
        register && finding.state() == SchemaAudit.State.PRESENT
            ? "already"
            : finding.state().name().toLowerCase(Locale.ROOT);
    String id = finding.id().isPresent() ? ", id " + finding.id().getAsInt() : "";
    String detail = finding.detail().isEmpty() ? "" : ": " + finding.detail();
    return String.format(
        Locale.ROOT,
        "%-13s %-" + width + "s %s, %s%s%s",
        state,
        finding.schema().subject(),
        finding.schema().recordName(),
        finding.schema().role(),
        id,
        detail);
  }
}
