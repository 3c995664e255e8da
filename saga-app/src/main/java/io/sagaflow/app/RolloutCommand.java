package io.sagaflow.app;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sagaflow rollout start|status|promote|rollback}: the rollout routes of a running
 * processor's HTTP API, for operators and scripts. Each prints the API's JSON answer on standard
 * output and exits 0 when the request was accepted (or the awaited phase reached), 1 when the API
 * refused it (its problem on standard error), 3 when there is no rollout to show.
 */
@Command(
    name = "rollout",
    mixinStandardHelpOptions = true,
    description = "Start, inspect, promote or roll back the rollout of a saga definition version.",
    subcommands = {
      RolloutCommand.Start.class,
      RolloutCommand.Status.class,
      RolloutCommand.Promote.class,
      RolloutCommand.Rollback.class
    })
final class RolloutCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "Name a rollout command: start, status, promote or rollback.");
  }

  /** Where the API is and how to call it. */
  static final class Api {
    @Option(
        names = "--url",
        defaultValue = "${env:SAGA_API_URL:-http://127.0.0.1:8080}",
        description = "Base URL of a processor's HTTP API (default: ${DEFAULT-VALUE}).")
    String url;

    @Option(
        names = "--token",
        defaultValue = "${env:SAGA_HTTP_TOKEN}",
        description = "Bearer token, when the API has one (default: $SAGA_HTTP_TOKEN).")
    String token;

    @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
    CommandLine.Model.CommandSpec spec;

    private final HttpClient client =
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    HttpResponse<String> call(String method, String path, Optional<String> json)
        throws IOException, InterruptedException {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(URI.create(url.replaceAll("/+$", "") + path))
              .timeout(Duration.ofSeconds(30))
              .header("Accept", "application/json");
      if (token != null && !token.isBlank()) {
        request.header("Authorization", "Bearer " + token);
      }
      request.method(
          method,
          json.map(
                  j -> {
                    request.header("Content-Type", "application/json");
                    return HttpRequest.BodyPublishers.ofString(j, StandardCharsets.UTF_8);
                  })
              .orElse(HttpRequest.BodyPublishers.noBody()));
      return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Prints the answer; 0 for a 2xx, 3 for a 404, 1 otherwise. */
    int print(HttpResponse<String> response) {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      if (response.statusCode() / 100 == 2) {
        out.println(response.body());
        out.flush();
        return 0;
      }
      err.println("HTTP " + response.statusCode() + ": " + response.body());
      err.flush();
      return response.statusCode() == 404 ? 3 : 1;
    }
  }

  @Command(name = "start", mixinStandardHelpOptions = true, description = "Start a rollout.")
  static final class Start implements Callable<Integer> {
    @Mixin Api api;

    @Parameters(index = "0", description = "The saga type.")
    String type;

    @Option(names = "--candidate", description = "Version to introduce (default: newest).")
    Integer candidate;

    @Option(names = "--stable", description = "Version in service (default: newest below).")
    Integer stable;

    @Option(
        names = "--weight",
        description = "Candidate's share of new sagas: 10% or basis points, 1000 (default: 10%).")
    String weight;

    @Option(names = "--max-invariant-violations", description = "Tolerated (default: 0).")
    Integer maxInvariantViolations;

    @Option(
        names = "--max-failure-rate-increase",
        description = "Basis points above stable's failure rate (default: 500).")
    Integer maxFailureRateIncrease;

    @Option(names = "--min-sample", description = "Ended sagas per version (default: 20).")
    Integer minSample;

    @Option(names = "--step-latency-budget", description = "e.g. 2s or 500ms; off by default.")
    String stepLatencyBudget;

    @Option(names = "--max-slow-step-share", description = "Basis points (default: 500).")
    Integer maxSlowStepShare;

    @Option(names = "--on-rollback", description = "CONTINUE (default) or COMPENSATE.")
    String onRollback;

    @Option(names = "--auto-promote-after", description = "e.g. 30m; off by default.")
    String autoPromoteAfter;

    @Option(names = "--by", defaultValue = "${env:USER:-cli}", description = "Who asks.")
    String by;

    @Override
    public Integer call() throws IOException, InterruptedException {
      List<String> fields = new ArrayList<>();
      add(fields, "candidateVersion", candidate);
      add(fields, "stableVersion", stable);
      add(fields, "weight", weight == null ? null : basisPoints(weight));
      add(fields, "maxInvariantViolations", maxInvariantViolations);
      add(fields, "maxFailureRateIncrease", maxFailureRateIncrease);
      add(fields, "minSample", minSample);
      add(fields, "stepLatencyBudgetMs", millis(stepLatencyBudget));
      add(fields, "maxSlowStepShare", maxSlowStepShare);
      add(fields, "autoPromoteAfterMs", millis(autoPromoteAfter));
      if (onRollback != null) {
        fields.add("\"onRollback\":" + quote(onRollback.toUpperCase(java.util.Locale.ROOT)));
      }
      fields.add("\"requestedBy\":" + quote(by));
      String body = "{" + String.join(",", fields) + "}";
      return api.print(api.call("POST", "/rollouts/" + type, Optional.of(body)));
    }
  }

  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      description = "Print a saga type's rollout, or every rollout; optionally wait for a phase.")
  static final class Status implements Callable<Integer> {
    private static final Pattern PHASE = Pattern.compile("\"phase\"\\s*:\\s*\"([A-Z_]+)\"");

    @Mixin Api api;

    @Parameters(index = "0", arity = "0..1", description = "The saga type; all when absent.")
    String type;

    @Option(
        names = "--await",
        description = "Poll until the rollout is in this phase: ACTIVE, ROLLED_BACK or PROMOTED.")
    String await;

    @Option(names = "--timeout", defaultValue = "2m", description = "How long --await waits.")
    String timeout;

    @Override
    public Integer call() throws IOException, InterruptedException {
      String path = type == null ? "/rollouts" : "/rollouts/" + type;
      if (await == null || type == null) {
        return api.print(api.call("GET", path, Optional.empty()));
      }
      Instant deadline = Instant.now().plusMillis(millis(timeout));
      while (true) {
        HttpResponse<String> response = api.call("GET", path, Optional.empty());
        Matcher phase = PHASE.matcher(response.body());
        if (response.statusCode() == 200 && phase.find() && phase.group(1).equals(await)) {
          return api.print(response);
        }
        if (Instant.now().isAfter(deadline)) {
          api.spec
              .commandLine()
              .getErr()
              .println(
                  "Rollout of '"
                      + type
                      + "' not "
                      + await
                      + " after "
                      + timeout
                      + "; last answer:");
          api.print(response);
          return 1;
        }
        Thread.sleep(250);
      }
    }
  }

  @Command(
      name = "promote",
      mixinStandardHelpOptions = true,
      description = "Promote the candidate.")
  static final class Promote implements Callable<Integer> {
    @Mixin Api api;

    @Parameters(index = "0", description = "The saga type.")
    String type;

    @Option(names = "--reason", description = "Why, recorded with the rollout.")
    String reason;

    @Option(names = "--by", defaultValue = "${env:USER:-cli}", description = "Who asks.")
    String by;

    @Override
    public Integer call() throws IOException, InterruptedException {
      return api.print(api.call("POST", "/rollouts/" + type + "/promote", end(by, reason)));
    }
  }

  @Command(name = "rollback", mixinStandardHelpOptions = true, description = "Roll back now.")
  static final class Rollback implements Callable<Integer> {
    @Mixin Api api;

    @Parameters(index = "0", description = "The saga type.")
    String type;

    @Option(names = "--reason", description = "Why, recorded with the rollout.")
    String reason;

    @Option(names = "--by", defaultValue = "${env:USER:-cli}", description = "Who asks.")
    String by;

    @Override
    public Integer call() throws IOException, InterruptedException {
      return api.print(api.call("POST", "/rollouts/" + type + "/rollback", end(by, reason)));
    }
  }

  private static Optional<String> end(String by, String reason) {
    return Optional.of(
        "{\"requestedBy\":"
            + quote(by)
            + (reason == null ? "" : ",\"reason\":" + quote(reason))
            + "}");
  }

  /** {@code 10%} or {@code 2.5%} to basis points; a bare number already is basis points. */
  static int basisPoints(String weight) {
    String w = weight.trim();
    if (w.endsWith("%")) {
      return new java.math.BigDecimal(w.substring(0, w.length() - 1))
          .movePointRight(2)
          .intValueExact();
    }
    return Integer.parseInt(w);
  }

  /** {@code 500ms}, {@code 2s}, {@code 30m}, {@code 1h} to milliseconds; null stays null. */
  static Long millis(String duration) {
    if (duration == null) {
      return null;
    }
    Matcher m = Pattern.compile("(\\d+)(ms|s|m|h)").matcher(duration.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "'" + duration + "' is not a duration; write 500ms, 2s, 30m or 1h");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> n;
      case "s" -> n * 1_000;
      case "m" -> n * 60_000;
      default -> n * 3_600_000;
    };
  }

  private static void add(List<String> fields, String name, Number value) {
    if (value != null) {
      fields.add("\"" + name + "\":" + value);
    }
  }

  private static String quote(String text) {
    StringBuilder json = new StringBuilder("\"");
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"' || c == '\\') {
        json.append('\\').append(c);
      } else if (c < 0x20) {
        json.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
      } else {
        json.append(c);
      }
    }
    return json.append('"').toString();
  }
}
