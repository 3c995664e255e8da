package io.sagaflow.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sagaflow dlq list|show|redrive}: the console's dead-letter operations for a terminal and
 * for scripts, over a running instance's HTTP API (so the same checks, token and records apply).
 * Exit code 0 on success, 1 when the API answered a problem (its detail on stderr), 2 for usage.
 */
@Command(
    name = "dlq",
    mixinStandardHelpOptions = true,
    description = "Search, read and redrive dead letters through a running instance's HTTP API.",
    subcommands = {DlqCommand.List.class, DlqCommand.Show.class, DlqCommand.Redrive.class})
final class DlqCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "Name a subcommand: list, show or redrive.");
  }

  /** Where the API is and how to authenticate. */
  static final class Api {
    @Option(
        names = "--url",
        defaultValue = "${env:SAGAFLOW_URL:-http://127.0.0.1:8080}",
        description =
            "Base URL of a Sagaflow instance (env SAGAFLOW_URL; default: ${DEFAULT-VALUE}).")
    String url;

    @Option(
        names = "--token",
        defaultValue = "${env:SAGAFLOW_TOKEN}",
        description =
            "Bearer token, when the deployment sets saga.http.token (env SAGAFLOW_TOKEN).")
    String token;

    private final HttpClient http =
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper mapper = new ObjectMapper();

    /** The answer's JSON, or an empty result after printing the problem to {@code err}. */
    Optional<JsonNode> call(String method, String path, Optional<JsonNode> body, PrintWriter err)
        throws IOException, InterruptedException {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(URI.create(url.replaceAll("/+$", "") + path))
              .timeout(Duration.ofSeconds(60))
              .header("Accept", "application/json");
      if (token != null && !token.isBlank()) {
        request.header("Authorization", "Bearer " + token);
      }
      if (body.isPresent()) {
        request
            .header("Content-Type", "application/json")
            .method(
                method,
                HttpRequest.BodyPublishers.ofByteArray(mapper.writeValueAsBytes(body.get())));
      } else {
        request.method(method, HttpRequest.BodyPublishers.noBody());
      }
      HttpResponse<String> response;
      try {
        response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      } catch (IOException e) {
        err.println("No answer from " + url + " (" + e + "). Is Sagaflow running there?");
        return Optional.empty();
      }
      JsonNode json = mapper.readTree(response.body().isEmpty() ? "{}" : response.body());
      if (response.statusCode() / 100 != 2) {
        err.println(
            "HTTP "
                + response.statusCode()
                + ": "
                + Optional.ofNullable(json.get("detail"))
                    .map(JsonNode::asText)
                    .orElse(response.body()));
        return Optional.empty();
      }
      return Optional.of(json);
    }

    String pretty(JsonNode json) throws IOException {
      return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(json);
    }

    ObjectNode object() {
      return mapper.createObjectNode();
    }
  }

  /** The filters of GET /dead-letters. */
  static final class Filters {
    @Option(names = "--reason", description = "DeadLetterReason, e.g. VALIDATION_FAILED.")
    String reason;

    @Option(names = "--source-topic", description = "saga.requests or saga.replies.")
    String sourceTopic;

    @Option(names = "--type", description = "Saga type of the letters' sagas.")
    String type;

    @Option(names = "--failed-after", description = "ISO-8601 instant, e.g. 2026-11-30T10:00:00Z.")
    String failedAfter;

    @Option(names = "--failed-before", description = "ISO-8601 instant.")
    String failedBefore;

    @Option(names = "--limit", description = "At most this many letters (1-500).")
    Integer limit;

    Map<String, String> values() {
      Map<String, String> out = new LinkedHashMap<>();
      put(out, "reason", reason);
      put(out, "sourceTopic", sourceTopic);
      put(out, "type", type);
      put(out, "failedAfter", failedAfter);
      put(out, "failedBefore", failedBefore);
      put(out, "limit", limit == null ? null : limit.toString());
      return out;
    }

    private static void put(Map<String, String> out, String key, String value) {
      if (value != null) {
        out.put(key, value);
      }
    }
  }

  /** {@code sagaflow dlq list}: one line per letter, newest first. */
  @Command(name = "list", mixinStandardHelpOptions = true, description = "Search dead letters.")
  static final class List implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin Api api;
    @Mixin Filters filters;

    @Option(names = "--json", description = "Print the API's answer as it is.")
    boolean json;

    @Option(names = "--cursor", description = "nextCursor of the previous page.")
    String cursor;

    @Override
    public Integer call() throws IOException, InterruptedException {
      StringBuilder path = new StringBuilder("/dead-letters");
      Map<String, String> query = filters.values();
      if (cursor != null) {
        query.put("cursor", cursor);
      }
      char sep = '?';
      for (Map.Entry<String, String> e : query.entrySet()) {
        path.append(sep).append(e.getKey()).append('=');
        path.append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
        sep = '&';
      }
      PrintWriter out = spec.commandLine().getOut();
      Optional<JsonNode> page =
          api.call("GET", path.toString(), Optional.empty(), spec.commandLine().getErr());
      if (page.isEmpty()) {
        return 1;
      }
      if (json) {
        out.println(api.pretty(page.get()));
        return 0;
      }
      out.println("LETTER\tFAILED AT\tREASON\tSAGA\tTYPE\tSOURCE\tDETAIL");
      for (JsonNode l : page.get().get("items")) {
        out.println(
            String.join(
                "\t",
                l.get("letterId").asText(),
                l.get("failedAt").asText(),
                l.get("reason").asText(),
                l.get("sagaId").asText(),
                l.get("sagaType").isNull() ? "-" : l.get("sagaType").asText(),
                l.get("sourceTopic").asText()
                    + "-"
                    + l.get("sourcePartition").asText()
                    + "@"
                    + l.get("sourceOffset").asText(),
                l.get("detail").asText()));
      }
      JsonNode next = page.get().get("nextCursor");
      if (next != null && !next.isNull()) {
        out.println("# more: --cursor " + next.asText());
      }
      return 0;
    }
  }

  /** {@code sagaflow dlq show LETTER}: one letter, and its redrive record. */
  @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one dead letter.")
  static final class Show implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin Api api;

    @Parameters(paramLabel = "LETTER", description = "letterId, <partition>-<offset> in saga.dlq.")
    String letter;

    @Override
    public Integer call() throws IOException, InterruptedException {
      Optional<JsonNode> answer =
          api.call(
              "GET",
              "/dead-letters/" + URLEncoder.encode(letter, StandardCharsets.UTF_8),
              Optional.empty(),
              spec.commandLine().getErr());
      if (answer.isEmpty()) {
        return 1;
      }
      spec.commandLine().getOut().println(api.pretty(answer.get()));
      return 0;
    }
  }

  /** {@code sagaflow dlq redrive}: one letter, or every letter the filters match. */
  @Command(
      name = "redrive",
      mixinStandardHelpOptions = true,
      description =
          "Redrive one letter (LETTER) or, with --all, every letter the filters match (up to 500"
              + " per call). Recorded; a letter is never submitted twice.")
  static final class Redrive implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin Api api;
    @Mixin Filters filters;

    @Parameters(arity = "0..1", paramLabel = "LETTER", description = "letterId to redrive.")
    String letter;

    @Option(names = "--all", description = "Redrive every letter the filters match.")
    boolean all;

    @Option(names = "--operator", required = true, description = "Who redrives (recorded).")
    String operator;

    @Option(names = "--why", required = true, description = "What was fixed (recorded).")
    String why;

    @Option(names = "--dry-run", description = "Say what would happen; write nothing.")
    boolean dryRun;

    @Override
    public Integer call() throws IOException, InterruptedException {
      if ((letter == null) == !all) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "Name one LETTER, or pass --all with filters; not both.");
      }
      ObjectNode body = api.object();
      body.put("operator", operator).put("reason", why).put("dryRun", dryRun);
      String path;
      if (all) {
        ObjectNode query = body.putObject("query");
        filters.values().forEach(query::put);
        path = "/dead-letters/redrive";
      } else {
        path = "/dead-letters/" + URLEncoder.encode(letter, StandardCharsets.UTF_8) + "/redrive";
      }
      Optional<JsonNode> answer =
          api.call("POST", path, Optional.of(body), spec.commandLine().getErr());
      if (answer.isEmpty()) {
        return 1;
      }
      PrintWriter out = spec.commandLine().getOut();
      Iterable<JsonNode> items = all ? answer.get().get("items") : java.util.List.of(answer.get());
      for (JsonNode o : items) {
        out.println(
            o.get("letterId").asText()
                + "\t"
                + o.get("outcome").asText()
                + "\t"
                + o.get("detail").asText());
      }
      if (all && answer.get().path("more").asBoolean()) {
        out.println("# more letters match: run again to take the next ones");
      }
      return 0;
    }
  }
}
