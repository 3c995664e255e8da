package io.sagaflow.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sagaflow.examples.transfer.MoneyTransferSaga;
import io.sagaflow.module.DemoData;
import io.sagaflow.serde.AvroSerializer;
import io.sagaflow.testkit.internals.ContractRecords;
import io.sagaflow.topology.DataCodec;
import io.sagaflow.topology.SagaTopics;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operations console in a real browser against the packaged app running the demo, driven by
 * {@code src/test/browser/console-smoke.mjs}. First run: only the order module is deployed, the
 * demo runs, and three money-transfer starts arrive, which the processor dead-letters (unknown saga
 * type); the overview must show the demo's summary, with points on its plot, and the order saga's
 * diagram its payment declines as compensations before the pivot. Second run: the money-transfer
 * module is deployed (the cause is removed); one letter is redriven from its row and its saga
 * completes, the rest in bulk after a dry run. Screenshots go to {@code target/console-smoke/}.
 */
class ConsoleBrowserIT {
  private static final Path BROWSER_DIR = Path.of("src", "test", "browser");
  private static final Path SCREENSHOTS = Path.of("target", "console-smoke").toAbsolutePath();
  private static final String ORDER = "order-fulfilment";
  private static final List<String> POISON =
      List.of("poison-transfer-1", "poison-transfer-2", "poison-transfer-3");
  private static final Pattern SUMMARY =
      Pattern.compile(
          "Demo \\S+ finished in [0-9.]+ s: (\\d+) sagas, (\\d+) completed, (\\d+) compensated,"
              + " (\\d+) failed, (\\d+) stuck");

  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();

  @Test
  void shouldShowTheDemoAndRedriveDeadLettersOnceTheirCauseIsRemoved(@TempDir Path dir)
      throws Exception {
    Path orderOnly = Files.createDirectories(dir.resolve("order-only"));
    try (Stream<Path> jars = Files.list(SagaflowJar.EXAMPLE_PLUGINS)) {
      for (Path jar : jars.filter(j -> j.getFileName().toString().contains("order")).toList()) {
        Files.copy(jar, orderOnly.resolve(jar.getFileName()));
      }
    }
    try (SagaCluster cluster = SagaCluster.start(dir.resolve("cluster"))) {
      // Given the demo run with the order module alone
      Process first =
          SagaflowJar.runWithPlugins(
              orderOnly,
              external(cluster, dir, "--sagas", "150", "--seed", "7", "--decline-rate", "0.3"));
      OutputCollector firstOutput = new OutputCollector(first.getInputStream());
      try {
        URI base = awaitReady(first, firstOutput);
        try {
          await()
              .atMost(Duration.ofMinutes(4))
              .until(() -> SUMMARY.matcher(firstOutput.text()).find() || !first.isAlive());
        } catch (org.awaitility.core.ConditionTimeoutException e) {
          fail(
              "The demo printed no summary in 4 minutes; sagaflow printed:%n%s",
              firstOutput.text());
        }
        Matcher summary = SUMMARY.matcher(firstOutput.text());
        assertThat(summary.find()).as(firstOutput.text()).isTrue();
        // And three money-transfer starts, a type this deployment does not have
        producePoison(cluster);
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> letters(base, "reason=VALIDATION_FAILED") == POISON.size());

        // When the browser opens the overview and the order saga's diagram
        String shown = runSmoke(base, "overview,diagram", firstOutput);

        // Then the overview's counts are the demo's summary, and its plot has points
        assertThat(shown)
            .contains(
                "CONSOLE overview RUNNING=0 COMPENSATING=0 COMPLETED="
                    + summary.group(2)
                    + " COMPENSATED="
                    + summary.group(3)
                    + " FAILED="
                    + summary.group(4)
                    + " STUCK="
                    + summary.group(5)
                    + " points=")
            .containsPattern("points=[1-9]\\d* latency-points=[1-9]\\d* live=yes");
        // And the diagram draws the declines as compensations on the steps before the pivot
        assertThat(shown)
            .containsPattern(
                "CONSOLE diagram steps=reserve-inventory>authorize-payment>capture-payment>"
                    + "\\S+ compensations=reserve-inventory\\+authorize-payment"
                    + " pivot=capture-payment compensated-reserve-inventory=[1-9]\\d*"
                    + " parallel=\\S+\\+\\S+ listed=[1-9]\\d*")
            .contains("CONSOLE OK overview,diagram");
      } finally {
        stop(first);
      }

      // Given the money-transfer module deployed: the letters' cause is removed
      Process second =
          SagaflowJar.run(
              external(cluster, dir, "--no-demo", "--seed", "7", "--decline-rate", "0"));
      OutputCollector secondOutput = new OutputCollector(second.getInputStream());
      try {
        URI base = awaitReady(second, secondOutput);

        // When one letter is redriven from its row, and the rest in bulk after a dry run
        String shown = runSmoke(base, "redrive,bulk,phone", secondOutput);

        // Then the redriven saga completed, the second click submitted nothing, and the bulk
        // redrive said what it would do before doing it
        assertThat(shown)
            .containsPattern(
                "CONSOLE redrive "
                    + POISON.get(0)
                    + " letter=\\d+-\\d+ REDRIVEN again=ALREADY_REDRIVEN -> COMPLETED")
            .containsPattern(
                "CONSOLE bulk rows=3 dry=\"Dry run of 3 matching letter\\(s\\): (1 ALREADY_REDRIVEN,"
                    + " 2 WOULD_REDRIVE|2 WOULD_REDRIVE, 1 ALREADY_REDRIVEN)\\.\"")
            .containsPattern(
                "done=\"Redrive of 3 matching letter\\(s\\): (1 ALREADY_REDRIVEN, 2 REDRIVEN|2"
                    + " REDRIVEN, 1 ALREADY_REDRIVEN)\\.\"")
            .contains("CONSOLE phone fits=390px")
            .contains("CONSOLE OK redrive,bulk,phone");
        // And every poison saga then completed
        for (String sagaId : POISON) {
          await()
              .atMost(Duration.ofSeconds(60))
              .until(() -> "COMPLETED".equals(status(base, sagaId)));
        }
        // And the CLI lists the same letters and, asked to redrive one again, submits nothing
        Cli list = cli("dlq", "list", "--url", base.toString(), "--reason", "VALIDATION_FAILED");
        assertThat(list.exitCode()).as(list.err()).isZero();
        assertThat(list.out().lines().filter(l -> l.contains("poison-transfer-")).count())
            .as(list.out())
            .isEqualTo(POISON.size());
        String letter =
            list.out()
                .lines()
                .filter(l -> l.contains(POISON.get(1)))
                .findFirst()
                .orElseThrow()
                .split("\t", -1)[0];
        Cli again =
            cli(
                "dlq",
                "redrive",
                letter,
                "--url",
                base.toString(),
                "--operator",
                "ada",
                "--why",
                "again");
        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(again.out()).startsWith(letter + "\tALREADY_REDRIVEN\t");
        Cli bad = cli("dlq", "list", "--url", base.toString(), "--reason", "NOPE");
        assertThat(bad.exitCode()).isEqualTo(1);
        assertThat(bad.err()).contains("HTTP 400").contains("reason");
      } finally {
        stop(second);
      }
    }
    for (String shot :
        List.of(
            "overview.png",
            "diagram.png",
            "diagram-compensated-list.png",
            "dead-letters.png",
            "redriven.png",
            "redriven-saga.png",
            "bulk-dry-run.png",
            "bulk-redriven.png",
            "phone-overview.png")) {
      assertThat(SCREENSHOTS.resolve(shot)).isNotEmptyFile();
    }
  }

  private record Cli(int exitCode, String out, String err) {}

  private static Cli cli(String... args) {
    java.io.StringWriter out = new java.io.StringWriter();
    java.io.StringWriter err = new java.io.StringWriter();
    int code =
        SagaflowCli.execute(
            new java.io.PrintWriter(out, true), new java.io.PrintWriter(err, true), args);
    return new Cli(code, out.toString(), err.toString());
  }

  private static String[] external(SagaCluster cluster, Path dir, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--mode",
                "external",
                "--env",
                "preview",
                "--bootstrap-servers",
                cluster.bootstrapServers(),
                "--data-dir",
                dir.resolve("data").toString(),
                "--set",
                "saga.schema.registry.url=" + cluster.registry.url(),
                "--set",
                "kafka.application.id=" + cluster.applicationId,
                "--set",
                "saga.http.port=0"));
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  private void producePoison(SagaCluster cluster) throws Exception {
    DemoData transfers =
        TestModules.onClassPath().demoData().stream()
            .filter(d -> d.sagaType().equals(MoneyTransferSaga.TYPE))
            .findFirst()
            .orElseThrow();
    DataCodec codec = new DataCodec(cluster.schemas, true);
    AvroSerializer<SpecificRecord> requests =
        SagaTopics.REQUEST_RECORDS.serializer(cluster.schemas, true);
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", cluster.bootstrapServers()),
            new StringSerializer(),
            new ByteArraySerializer())) {
      long n = 1;
      for (String sagaId : POISON) {
        byte[] start =
            requests.serialize(
                SagaTopics.REQUESTS,
                ContractRecords.startSaga(
                    transfers.sagaType(),
                    Optional.empty(),
                    codec.encode(transfers.data(sagaId, n++)),
                    Instant.now()));
        producer.send(new ProducerRecord<>(SagaTopics.REQUESTS, sagaId, start)).get();
      }
    }
  }

  private URI awaitReady(Process app, OutputCollector output) {
    await()
        .atMost(Duration.ofMinutes(2))
        .until(() -> output.text().contains("HTTP API at http://") || !app.isAlive());
    Matcher url =
        Pattern.compile("HTTP API at (http://127\\.0\\.0\\.1:\\d+)").matcher(output.text());
    assertThat(url.find()).as(output.text()).isTrue();
    URI base = URI.create(url.group(1));
    await()
        .atMost(Duration.ofSeconds(90))
        .until(() -> get(base, "/health/ready").statusCode() == 200);
    return base;
  }

  private int letters(URI base, String query) throws IOException {
    HttpResponse<String> r = get(base, "/dead-letters?" + query);
    return r.statusCode() == 200 ? json.readTree(r.body()).get("items").size() : -1;
  }

  private String status(URI base, String sagaId) throws IOException {
    HttpResponse<String> r = get(base, "/sagas/" + sagaId);
    return r.statusCode() == 200 ? json.readTree(r.body()).get("status").asText() : "";
  }

  private HttpResponse<String> get(URI base, String path) {
    try {
      return http.send(
          HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(20)).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void stop(Process app) throws InterruptedException {
    app.toHandle().destroy();
    if (!app.waitFor(60, TimeUnit.SECONDS)) {
      app.destroyForcibly();
    }
  }

  /** Runs the browser script for {@code steps}; its output streamed into this test's log. */
  private String runSmoke(URI base, String steps, OutputCollector appOutput) throws Exception {
    Files.createDirectories(SCREENSHOTS);
    List<String> command =
        List.of(
            "node",
            "console-smoke.mjs",
            "--base-url",
            base.toString(),
            "--screenshots",
            SCREENSHOTS.toString(),
            "--steps",
            steps,
            "--poison",
            POISON.get(0),
            "--type",
            ORDER,
            "--timeout-ms",
            "60000");
    Process node =
        new ProcessBuilder(command)
            .directory(BROWSER_DIR.toFile())
            .redirectErrorStream(true)
            .start();
    List<String> lines = new ArrayList<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                  System.out.println("[console-smoke] " + line);
                  synchronized (lines) {
                    lines.add(line);
                  }
                }
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            },
            "console-smoke-output");
    reader.setDaemon(true);
    reader.start();
    if (!node.waitFor(5, TimeUnit.MINUTES)) {
      node.destroyForcibly();
      fail("console-smoke.mjs did not finish in 5 minutes");
    }
    reader.join(10_000);
    String output;
    synchronized (lines) {
      output = String.join("\n", lines);
    }
    if (node.exitValue() != 0) {
      System.out.println("--- sagaflow output ---\n" + appOutput.text());
    }
    assertThat(node.exitValue()).as(output).isZero();
    return output;
  }
}
