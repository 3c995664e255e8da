package io.sagaflow.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar logs JSON lines by default, and a line the processor writes while it handles a
 * saga names the saga and its trace, so a log backend can go from the line to the saga's status and
 * its trace.
 */
class LogLinesIT {
  private static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  void shouldWriteJsonLinesThatNameTheSagaAndItsTraceWhileTheProcessorHandlesIt(
      @TempDir Path dataDir) throws Exception {
    // Given the jar run without a log format (JSON), the coordinator's per-input lines on
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                SagaflowJar.JAR.toString(),
                "run",
                "--plugin-path",
                SagaflowJar.EXAMPLE_PLUGINS.toString(),
                "--data-dir",
                dataDir.toString(),
                "--no-demo"));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().remove("SAGA_LOG_FORMAT");
    builder.environment().put("SAGA_LOG_LEVEL", "DEBUG");
    Process process = builder.start();
    OutputCollector output = new OutputCollector(process.getInputStream());
    String sagaId;
    try {
      await()
          .atMost(Duration.ofSeconds(90))
          .until(() -> output.text().contains("Press Ctrl-C to stop.") || !process.isAlive());
      // From the banner on standard output: in a JSON line the URL's slashes are escaped
      Matcher url =
          Pattern.compile("HTTP API +(http://127\\.0\\.0\\.1:\\d+)").matcher(output.text());
      assertThat(url.find()).as(output.text()).isTrue();
      URI base = URI.create(url.group(1));
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> send(base.resolve("/health/ready"), null).statusCode() == 200);

      // When an order is started over HTTP with a trace context, and ends
      HttpResponse<String> started =
          send(
              base.resolve("/sagas/money-transfer"),
              "{\"transferId\":\"t-log\",\"sourceAccount\":\"A-1\",\"destinationAccount\":\"B-2\","
                  + "\"amount\":\"5.00\",\"currency\":\"EUR\"}");
      assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
      sagaId = JSON.readTree(started.body()).get("sagaId").asText();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  send(base.resolve("/sagas/" + sagaId), null)
                      .body()
                      .matches("(?s).*\"status\":\"(COMPLETED|COMPENSATED)\".*"));
    } finally {
      assertThat(process.toHandle().destroy()).isTrue();
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
      output.join();
    }

    // Then every log line is a JSON object (the rest is the banner on standard output)
    List<JsonNode> lines = new ArrayList<>();
    for (String line : output.text().lines().toList()) {
      if (line.startsWith("{")) {
        lines.add(JSON.readTree(line));
      }
    }
    assertThat(lines)
        .extracting(l -> l.path("loggerName").asText())
        .contains("io.sagaflow.app.RunCommand");
    // And the processor's lines about the saga carry its id, type and the trace id
    List<JsonNode> aboutTheSaga =
        lines.stream()
            .filter(
                l -> l.path("loggerName").asText().equals("io.sagaflow.topology.SagaCoordinator"))
            .filter(l -> sagaId.equals(l.path("mdc").path("saga.id").asText()))
            .toList();
    assertThat(aboutTheSaga).as(output.text()).isNotEmpty();
    assertThat(aboutTheSaga)
        .allSatisfy(
            l -> {
              assertThat(l.path("mdc").path("trace_id").asText()).isEqualTo(TRACE_ID);
              assertThat(l.path("mdc").path("saga.type").asText()).isEqualTo("money-transfer");
              assertThat(l.path("level").asText()).isEqualTo("DEBUG");
            });
    // And a reply's line names its step and attempt
    assertThat(aboutTheSaga)
        .anySatisfy(
            l -> {
              assertThat(l.path("mdc").path("saga.step").asText()).isEqualTo("hold-funds");
              assertThat(l.path("mdc").path("saga.attempt").asText()).isEqualTo("1");
            });
  }

  private static HttpResponse<String> send(URI uri, String body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri);
    if (body != null) {
      request
          .header("Content-Type", "application/json")
          .header("traceparent", "00-" + TRACE_ID + "-b7ad6b7169203331-01")
          .header("Idempotency-Key", "log-lines-1")
          .POST(HttpRequest.BodyPublishers.ofString(body));
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
