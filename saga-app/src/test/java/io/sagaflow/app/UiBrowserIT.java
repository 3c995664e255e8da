package io.sagaflow.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import io.sagaflow.api.SagaIds;
import io.sagaflow.app.config.ParticipantsConfig;
import io.sagaflow.app.demo.OutcomePrediction;
import io.sagaflow.app.participants.ParticipantBehaviour;
import io.sagaflow.app.participants.Verdict;
import io.sagaflow.engine.CommandKind;
import io.sagaflow.engine.SagaStatus;
import io.sagaflow.examples.order.OrderFulfilmentSaga;
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
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The status UI in a real browser against the packaged app: {@code sagaflow run} on its embedded
 * broker with seeded simulated participants, driven by {@code src/test/browser/ui-smoke.mjs}
 * (playwright-core and Debian's Chromium). Three orders whose outcome the seed predicts, one
 * COMPLETED, one COMPENSATED and one STUCK, are started over the API and followed in the UI; the
 * STUCK one is resumed with an operator action from its detail page. Screenshots go to {@code
 * target/ui-smoke/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UiBrowserIT {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path BROWSER_DIR = Path.of("src", "test", "browser");
  private static final Path SCREENSHOTS = Path.of("target", "ui-smoke").toAbsolutePath();
  private static final String TYPE = "order-fulfilment";
  private static final long SEED = 7;
  // Half the authorizations are declined, so both outcomes are among the first few keys.
  private static final double DECLINE_RATE = 0.5;
  // The only STUCK that comes quickly: an unanswered pivot parks the saga after its 3 attempts of
  // 10 s (rule 9). A step after the pivot needs 20 attempts with backoff up to 30 s, minutes, and
  // no setting shortens retry policies, so the retriable-failure rate stays 0.
  private static final double SILENCE_RATE = 0.3;
  private static final ParticipantsConfig PARTICIPANTS =
      new ParticipantsConfig(true, SEED, Duration.ZERO, DECLINE_RATE, 0, SILENCE_RATE, Set.of());
  private static final List<ParticipantBehaviour> BEHAVIOURS = TestModules.behaviours(PARTICIPANTS);
  private static final String RESERVE = "reserve-inventory";
  private static final String AUTHORIZE = "authorize-payment";
  private static final String PIVOT = "capture-payment";
  private static final String SHIP = "book-shipment";
  private static final String CONFIRM = "send-confirmation";
  private static final int PIVOT_ATTEMPTS = 3;

  private Process app;
  private OutputCollector appOutput;
  private URI base;
  private Order completed;
  private Order compensated;
  private Order stuck;

  @BeforeAll
  void startSagaflow(@TempDir Path dataDir) throws Exception {
    requireBrowserTools();
    // Each pick also needs every command on its way answered at once, so no step waits 10 s for a
    // timeout the browser's bounded waits would have to cover.
    completed =
        predictedOrder(
            SagaStatus.COMPLETED,
            id ->
                firstAttempt(id, RESERVE) == Verdict.SUCCEED
                    && firstAttempt(id, AUTHORIZE) == Verdict.SUCCEED
                    && firstAttempt(id, PIVOT) == Verdict.SUCCEED
                    && firstAttempt(id, SHIP) == Verdict.SUCCEED
                    && firstAttempt(id, CONFIRM) == Verdict.SUCCEED);
    compensated =
        predictedOrder(
            SagaStatus.COMPENSATED,
            id ->
                firstAttempt(id, RESERVE) == Verdict.SUCCEED
                    && firstAttempt(id, AUTHORIZE) == Verdict.BUSINESS_FAILURE);
    // STUCK because the pivot went unanswered on every attempt; the operator's RETRY_STEP is the
    // pivot's next attempt, which the seed answers, and then both parallel steps succeed at once,
    // so
    // the saga ends COMPLETED. (SKIP_STEP would leave no capture id, which SendConfirmation
    // requires.)
    stuck =
        predictedOrder(
            SagaStatus.STUCK,
            id ->
                firstAttempt(id, RESERVE) == Verdict.SUCCEED
                    && firstAttempt(id, AUTHORIZE) == Verdict.SUCCEED
                    && IntStream.rangeClosed(1, PIVOT_ATTEMPTS)
                        .allMatch(a -> verdict(id, PIVOT, a) == Verdict.SILENCE)
                    && verdict(id, PIVOT, PIVOT_ATTEMPTS + 1) == Verdict.SUCCEED
                    && firstAttempt(id, SHIP) == Verdict.SUCCEED
                    && firstAttempt(id, CONFIRM) == Verdict.SUCCEED);

    app =
        SagaflowJar.run(
            "--data-dir",
            dataDir.toString(),
            "--no-demo",
            "--seed",
            Long.toString(SEED),
            "--decline-rate",
            Double.toString(DECLINE_RATE),
            "--silence-rate",
            Double.toString(SILENCE_RATE),
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

  @Test
  void shouldResumeAStuckSagaWithAnOperatorActionFromItsDetailView() throws Exception {
    // Given an order the seed parks STUCK on its unanswered pivot, and the COMPLETED one
    // When the browser waits in its detail view for STUCK and sends RETRY_STEP of the pivot
    Smoke smoke = runSmoke("operator");

    // Then the form was offered only while STUCK, and the saga went on to COMPLETED with the
    // operator's transition in its history
    assertThat(smoke.exitCode()).as(smoke.output()).isZero();
    assertThat(smoke.output())
        .contains("UI-SMOKE operator " + completed.sagaId() + " COMPLETED operator-form=hidden")
        .contains(
            "UI-SMOKE operator "
                + stuck.sagaId()
                + " STUCK operator-form=visible step="
                + PIVOT
                + " step-status=FAILED")
        .contains(
            "UI-SMOKE operator "
                + stuck.sagaId()
                + " RETRY_STEP "
                + PIVOT
                + " accepted -> COMPLETED operator-form=hidden history=STUCK>RUNNING")
        .contains("UI-SMOKE OK operator");
    assertThat(SCREENSHOTS.resolve("stuck.png")).isNotEmptyFile();
    assertThat(SCREENSHOTS.resolve("after-operator.png")).isNotEmptyFile();
  }

  /**
   * The first key of the form {@code ui-smoke-N} whose saga the seed says ends in {@code end} and
   * whose commands get the verdicts {@code path} asks for.
   */
  private static Order predictedOrder(SagaStatus end, Predicate<String> path) {
    OutcomePrediction prediction =
        new OutcomePrediction(OrderFulfilmentSaga.definition(), BEHAVIOURS);
    for (int n = 1; n <= 5000; n++) {
      String key = "ui-smoke-" + n;
      String sagaId = SagaIds.forStart(TYPE, Optional.of(key));
      if (prediction.outcome(sagaId) == end && path.test(sagaId)) {
        return new Order(key, sagaId, orderBody(key));
      }
    }
    throw new IllegalStateException(
        "No key among ui-smoke-1..5000 ends " + end + " the expected way with seed " + SEED);
  }

  private static Verdict firstAttempt(String sagaId, String step) {
    return verdict(sagaId, step, 1);
  }

  /** What the simulated participant answers to {@code attempt} of {@code step}'s action. */
  private static Verdict verdict(String sagaId, String step, int attempt) {
    String topic =
        OrderFulfilmentSaga.definition().steps().stream()
            .filter(s -> s.name().equals(step))
            .findFirst()
            .orElseThrow()
            .commandTopic();
    ParticipantBehaviour participant =
        BEHAVIOURS.stream().filter(p -> p.topic().equals(topic)).findFirst().orElseThrow();
    return participant.decide(sagaId, step, attempt, CommandKind.ACTION);
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
            "--stuck-key",
            stuck.key(),
            "--stuck-body",
            stuck.body(),
            "--stuck-step",
            PIVOT,
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
    for (String dir : path.split(File.pathSeparator, -1)) {
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
