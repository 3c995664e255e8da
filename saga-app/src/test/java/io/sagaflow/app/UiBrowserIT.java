package io.sagaflow.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import io.sagaflow.api.SagaIds;
import io.sagaflow.app.config.ParticipantsConfig;
import io.sagaflow.app.demo.OutcomePrediction;
import io.sagaflow.app.participants.ParticipantBehaviour;
import io.sagaflow.engine.SagaStatus;
import io.sagaflow.example.OrderFulfilmentSaga;
import java.io.BufferedReader;
import java.io.File;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The status UI in a real browser against the packaged app: {@code sagaflow run} on its embedded
 * broker with seeded simulated participants, driven by {@code src/test/browser/ui-smoke.mjs}
 * (playwright-core and Debian's Chromium). Two orders whose outcome the seed predicts, one
 * COMPLETED and one COMPENSATED, are started over the API and followed in the UI. Screenshots go to
 * {@code target/ui-smoke/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UiBrowserIT {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path BROWSER_DIR = Path.of("src", "test", "browser");
  private static final Path SCREENSHOTS = Path.of("target", "ui-smoke").toAbsolutePath();
  private static final String TYPE = "order-fulfilment";
  private static final long SEED = 7;
  // Half the authorizations are declined, so both outcomes are among the first few keys.
  private static final double PAYMENT_FAILURE_RATE = 0.5;

  private Process app;
  private OutputCollector appOutput;
  private URI base;
  private Order completed;
  private Order compensated;

  @BeforeAll
  void startSagaflow(@TempDir Path dataDir) throws Exception {
    requireBrowserTools();
    completed = predictedOrder(SagaStatus.COMPLETED);
    compensated = predictedOrder(SagaStatus.COMPENSATED);

    app =
        SagaflowJar.run(
            "--data-dir",
            dataDir.toString(),
            "--no-demo",
            "--seed",
            Long.toString(SEED),
            "--payment-failure-rate",
            Double.toString(PAYMENT_FAILURE_RATE),
            "--set",
            "saga.http.port=0");
    appOutput = new OutputCollector(app.getInputStream());
    await()
        .atMost(Duration.ofSeconds(90))
        .until(() -> appOutput.text().contains("HTTP API at http://") || !app.isAlive());
    Matcher url =
        Pattern.compile("HTTP API at (http://127\\.0\\.0\\.1:\\d+)").matcher(appOutput.text());
    assertThat(url.find()).as(appOutput.text()).isTrue();
    base = URI.create(url.group(1));
    HttpClient http = HttpClient.newHttpClient();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> statusOf(http, base.resolve("/health/ready")) == 200);
  }

  @AfterAll
  void stopSagaflow() throws InterruptedException {
    if (app != null) {
      assertThat(app.toHandle().destroy()).isTrue();
      assertThat(app.waitFor(60, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void shouldShowACompletedAndACompensatedSagaWithItsCompensationInTheDetailView()
      throws Exception {
    // Given two orders the seed says end COMPLETED and COMPENSATED
    // When the browser starts each over the API and opens its detail page
    Smoke smoke = runSmoke("detail");

    // Then the page showed each outcome, the compensation marked in the timeline, data masked
    assertThat(smoke.exitCode()).as(smoke.output()).isZero();
    assertThat(smoke.output())
        .contains("UI-SMOKE detail " + completed.sagaId() + " COMPLETED compensation-entries=0")
        .containsPattern(
            "UI-SMOKE detail "
                + compensated.sagaId()
                + " COMPENSATED compensation-entries=[1-9]\\d* compensated-steps=\\S+"
                + " compensation-history=[1-9]")
        .contains("UI-SMOKE OK detail");
    assertThat(SCREENSHOTS.resolve("detail-completed.png")).isNotEmptyFile();
    assertThat(SCREENSHOTS.resolve("detail-compensated.png")).isNotEmptyFile();
  }

  @Test
  void shouldListBothSagasFilterByStatusAndLinkToTheDetail() throws Exception {
    // Given the same two orders (starting them again is a duplicate, so the order of tests is free)
    // When the browser opens the list, filters on COMPENSATED and follows the row's link
    Smoke smoke = runSmoke("list");

    // Then both were listed with their outcome, the filter kept only the compensated one, and its
    // link opened its detail
    assertThat(smoke.exitCode()).as(smoke.output()).isZero();
    assertThat(smoke.output())
        .contains(
            "UI-SMOKE list listed="
                + completed.sagaId()
                + "+"
                + compensated.sagaId()
                + " filter=COMPENSATED row-link=detail")
        .contains("UI-SMOKE OK list");
    assertThat(SCREENSHOTS.resolve("list.png")).isNotEmptyFile();
    assertThat(SCREENSHOTS.resolve("list-compensated.png")).isNotEmptyFile();
  }

  /** The first key of the form {@code ui-smoke-N} whose saga the seed says ends in {@code end}. */
  private static Order predictedOrder(SagaStatus end) {
    OutcomePrediction prediction =
        new OutcomePrediction(
            OrderFulfilmentSaga.definition(),
            ParticipantBehaviour.orderFulfilment(
                new ParticipantsConfig(true, SEED, Duration.ZERO, PAYMENT_FAILURE_RATE, 0, 0)));
    for (int n = 1; n <= 100; n++) {
      String key = "ui-smoke-" + n;
      String sagaId = SagaIds.forStart(TYPE, Optional.of(key));
      if (prediction.outcome(sagaId) == end) {
        return new Order(key, sagaId, orderBody(key));
      }
    }
    throw new IllegalStateException(
        "No key among ui-smoke-1..100 ends " + end + " with seed " + SEED);
  }

  private static String orderBody(String key) {
    return ("{\"orderId\":\"%s\",\"customerId\":\"c-%s\",\"customerEmail\":\"%s@example.org\","
            + "\"shippingAddress\":{\"recipient\":\"Ada Smoke\",\"line1\":\"1 Test Street\","
            + "\"line2\":null,\"city\":\"London\",\"postalCode\":\"N1\",\"countryCode\":\"GB\"},"
            + "\"lines\":[{\"sku\":\"sku-1\",\"quantity\":2}],\"amount\":\"42.50\","
            + "\"currency\":\"EUR\",\"paymentToken\":\"tok_%s\"}")
        .formatted(key, key, key, key);
  }

  /** Runs the browser script for {@code steps}, its output streamed into this test's log. */
  private Smoke runSmoke(String steps) throws Exception {
    Files.createDirectories(SCREENSHOTS);
    List<String> command =
        List.of(
            "node",
            "ui-smoke.mjs",
            "--base-url",
            base.toString(),
            "--screenshots",
            SCREENSHOTS.toString(),
            "--steps",
            steps,
            "--completed-key",
            completed.key(),
            "--completed-body",
            completed.body(),
            "--compensated-key",
            compensated.key(),
            "--compensated-body",
            compensated.body(),
            "--timeout-ms",
            "60000");
    Process node =
        new ProcessBuilder(command)
            .directory(BROWSER_DIR.toFile())
            .redirectErrorStream(true)
            .start();
    List<String> lines = new ArrayList<>();
    Thread reader = new Thread(() -> streamLines(node, lines), "ui-smoke-output");
    reader.setDaemon(true);
    reader.start();
    if (!node.waitFor(4, TimeUnit.MINUTES)) {
      node.destroyForcibly();
      reader.join(10_000);
      fail("ui-smoke.mjs did not finish in 4 minutes; it printed:%n%s", joined(lines));
    }
    reader.join(10_000);
    String output = joined(lines);
    if (node.exitValue() != 0) {
      System.out.println("--- sagaflow output ---\n" + appOutput.text());
    }
    return new Smoke(node.exitValue(), output);
  }

  private static void streamLines(Process node, List<String> lines) {
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        System.out.println("[ui-smoke] " + line);
        synchronized (lines) {
          lines.add(line);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Reading ui-smoke.mjs output failed", e);
    }
  }

  private static String joined(List<String> lines) {
    synchronized (lines) {
      return String.join("\n", lines);
    }
  }

  /** Fails (never skips) with what to install when the browser test cannot run here. */
  private static void requireBrowserTools() {
    if (!Files.isExecutable(CHROMIUM)) {
      fail(
          "The UI browser test drives Debian's Chromium at %s, which is missing. Install it:"
              + " apt-get install -y chromium (scripts/test does this before mvn verify).",
          CHROMIUM);
    }
    if (onPath("node").isEmpty()) {
      fail(
          "The UI browser test runs src/test/browser/ui-smoke.mjs with Node.js (20 or newer),"
              + " which is not on the PATH. Install it: apt-get install -y nodejs npm.");
    }
    if (!Files.isDirectory(BROWSER_DIR.resolve("node_modules").resolve("playwright-core"))) {
      fail(
          "playwright-core is not installed in %s. The build installs it at pre-integration-test;"
              + " by hand: cd %s && npm ci --no-audit --no-fund.",
          BROWSER_DIR.toAbsolutePath(), BROWSER_DIR);
    }
  }

  private static Optional<Path> onPath(String program) {
    String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir, program);
      if (!dir.isEmpty() && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  private static int statusOf(HttpClient http, URI uri) throws Exception {
    return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private record Order(String key, String sagaId, String body) {}

  private record Smoke(int exitCode, String output) {}
}
