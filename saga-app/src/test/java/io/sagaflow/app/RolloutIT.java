package io.sagaflow.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sagaflow.app.modules.PluginJars;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.StringWriter;
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
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rollout on the stock runtime and its embedded broker: started with the CLI, a candidate version
 * whose invariant is broken, sagas started over HTTP, and the automatic rollback the processor
 * performs on its own.
 */
class RolloutIT {
  private static final Duration WAIT = Duration.ofMinutes(2);
  private static final Pattern VERSION = Pattern.compile("\"definitionVersion\":(\\d+)");

  private static final String HOOK_TOKEN = "hook-token-5e1d";

  @TempDir Path dir;
  private Process process;
  private HookEndpoint hook;
  private OutputCollector output;
  private URI api;
  private String bootstrapServers;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void startTheRuntimeWithTwoVersionsOfGreeting() throws Exception {
    Path plugins = dir.resolve("plugins");
    // v2, the candidate, breaks an invariant in every saga it runs: the preview's bad release.
    PluginJars.build(
        "greeting",
        plugins.resolve("greeting.jar"),
        Map.of(
            "/*MORE_VERSIONS*/", ", definition(2)",
            "/*CANDIDATE_INVARIANT*/",
                "if (version == 2) { builder.invariant(\"slot-before-send\", s -> false); }"));
    Path data = dir.resolve("data");
    hook = HookEndpoint.start();
    process =
        SagaflowJar.runWithPlugins(
            plugins,
            "--data-dir",
            data.toString(),
            "--no-demo",
            "--set",
            "saga.rollout.webhook.url=" + hook.url(),
            "--set",
            "saga.rollout.webhook.token=" + HOOK_TOKEN);
    output = new OutputCollector(process.getInputStream());
    await()
        .atMost(WAIT)
        .until(() -> output.text().contains("Press Ctrl-C to stop.") || !process.isAlive());
    assertThat(process.isAlive()).as(output.text()).isTrue();
    assertThat(output.text()).as(output.text()).contains("greeting v1").contains("v2");
    Properties addresses = new Properties();
    try (Reader in = Files.newBufferedReader(data.resolve("addresses.properties"))) {
      addresses.load(in);
    }
    api = URI.create(addresses.getProperty("http.api.url"));
    bootstrapServers = addresses.getProperty("kafka.bootstrap.servers");
    await().atMost(WAIT).until(() -> get("/health/ready").statusCode() == 200);
  }

  @AfterEach
  void stop() throws Exception {
    assertThat(process.toHandle().destroy()).isTrue();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    output.join();
    hook.close();
  }

  @Test
  void shouldRollBackByItselfWhenTheCandidatesInvariantBreaks() throws Exception {
    // Given a rollout of greeting v2 to half of the new sagas, started with the CLI
    assertThat(
            cli(
                "rollout",
                "start",
                "greeting",
                "--candidate",
                "2",
                "--stable",
                "1",
                "--weight",
                "50%",
                "--url",
                api.toString()))
        .isZero();
    assertThat(cli("rollout", "status", "greeting", "--await", "ACTIVE", "--url", api.toString()))
        .isZero();

    // And a record on the hook topic that is not a rollout event, which the webhook must skip
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", bootstrapServers),
            new StringSerializer(),
            new ByteArraySerializer())) {
      producer
          .send(
              new ProducerRecord<>(
                  "saga.rollout.events",
                  "greeting",
                  "not a rollout event".getBytes(StandardCharsets.UTF_8)))
          .get();
    }

    // When sagas start, some of them on v2
    List<String> before = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      before.add(start("before-" + i));
    }

    // Then the processor rolls the rollout back by itself, naming the guard and the figure
    assertThat(
            cli("rollout", "status", "greeting", "--await", "ROLLED_BACK", "--url", api.toString()))
        .isZero();
    String rollout = get("/rollouts/greeting").body();
    assertThat(rollout)
        .contains("\"guard\":\"INVARIANT_VIOLATIONS\"")
        .contains("invariant violation(s) in sagas on candidate v2");
    assertThat(output.text()).contains("rolled back: INVARIANT_VIOLATIONS failed");
    // And the webhook received the rollback, with the event id as idempotency key and the token,
    // though the endpoint refused the first post (503): posted again, the same key
    await()
        .atMost(WAIT)
        .until(() -> hook.posts().stream().anyMatch(p -> p.body().contains("ROLLOUT_ROLLED_BACK")));
    List<HookEndpoint.Post> posts = hook.posts();
    assertThat(posts.get(0).status()).isEqualTo(503);
    assertThat(posts.get(1).idempotencyKey()).isEqualTo(posts.get(0).idempotencyKey());
    assertThat(posts.get(1).status()).isEqualTo(204);
    assertThat(posts)
        .allSatisfy(p -> assertThat(p.authorization()).isEqualTo("Bearer " + HOOK_TOKEN));
    HookEndpoint.Post rolledBack =
        posts.stream()
            .filter(p -> p.body().contains("ROLLOUT_ROLLED_BACK"))
            .findFirst()
            .orElseThrow();
    assertThat(rolledBack.body())
        .contains("\"guard\":\"INVARIANT_VIOLATIONS\"")
        .contains("\"eventId\":\"" + rolledBack.idempotencyKey() + "\"");
    assertThat(output.text()).doesNotContain(HOOK_TOKEN).contains("Rollout webhook skips");
    // And the status page's Rollouts section shows it, in a real browser
    assertThat(browserCheck("greeting", "ROLLED_BACK", "INVARIANT_VIOLATIONS"))
        .contains("ROLLOUTS-SMOKE OK");

    // And every saga started from then on gets the stable version, while the sagas already
    // running stay on the version they started with
    for (int i = 0; i < 10; i++) {
      String saga = start("after-" + i);
      assertThat(versionOf(saga)).as(saga).isEqualTo(1);
    }
    assertThat(before.stream().map(this::versionOf)).contains(1, 2);
  }

  /** Runs {@code src/test/browser/rollouts-smoke.mjs}; its output, after it exited 0. */
  private String browserCheck(String type, String phase, String guard) throws Exception {
    Process node =
        new ProcessBuilder(
                "node",
                "rollouts-smoke.mjs",
                "--base-url",
                api.toString(),
                "--screenshots",
                Path.of("target", "rollouts-smoke").toAbsolutePath().toString(),
                "--type",
                type,
                "--phase",
                phase,
                "--guard",
                guard)
            .directory(Path.of("src", "test", "browser").toFile())
            .redirectErrorStream(true)
            .start();
    OutputCollector browser = new OutputCollector(node.getInputStream());
    if (!node.waitFor(3, TimeUnit.MINUTES)) {
      node.destroyForcibly();
    }
    browser.join();
    assertThat(node.isAlive()).as("rollouts-smoke.mjs ran over 3 minutes").isFalse();
    assertThat(node.exitValue()).as(browser.text()).isZero();
    return browser.text();
  }

  private int cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = SagaflowCli.execute(new PrintWriter(out), new PrintWriter(err), args);
    assertThat(code).as(out + "\n" + err).isIn(0, 1, 3);
    return code;
  }

  private String start(String greetingId) throws Exception {
    HttpResponse<String> started =
        http.send(
            HttpRequest.newBuilder(api.resolve("/sagas/greeting"))
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", greetingId)
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"greetingId\":\""
                            + greetingId
                            + "\",\"name\":\"Ada Lovelace\","
                            + "\"channel\":{\"kind\":\"email\",\"address\":\"ada@example.org\"}}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
    String location = started.headers().firstValue("Location").orElseThrow();
    return location.substring(location.lastIndexOf('/') + 1);
  }

  private int versionOf(String saga) {
    await().atMost(WAIT).until(() -> get("/sagas/" + saga).statusCode() == 200);
    Matcher m = VERSION.matcher(get("/sagas/" + saga).body());
    assertThat(m.find()).as(get("/sagas/" + saga).body()).isTrue();
    return Integer.parseInt(m.group(1));
  }

  private HttpResponse<String> get(String path) {
    try {
      return http.send(
          HttpRequest.newBuilder(api.resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
