package io.sagaflow.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sagaflow.embedded.kafka.KafkaBrokerExtension;
import io.sagaflow.embedded.kafka.TestKafka;
import io.sagaflow.embedded.registry.SchemaRegistryServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(KafkaBrokerExtension.class)
class SagaflowCliIT {
  @Test
  void shouldStartEmbeddedBrokerAndStopCleanlyOnSigterm(@TempDir Path dataDir, @TempDir Path tmp)
      throws Exception {
    // Given the packaged jar started the way the README's run command starts it
    Process process =
        SagaflowJar.runWithTempDir(tmp, "--data-dir", dataDir.toString(), "--no-demo");
    OutputCollector output = new OutputCollector(process.getInputStream());

    // When it reports that it runs, and then gets SIGTERM (what Ctrl-C / kill send)
    await()
        .atMost(Duration.ofSeconds(90))
        .until(() -> output.text().contains("Press Ctrl-C to stop.") || !process.isAlive());
    assertThat(output.text())
        .contains("Sagaflow is up:")
        .containsPattern("HTTP API +http://127\\.0\\.0\\.1:\\d+")
        .containsPattern("Status page +http://127\\.0\\.0\\.1:\\d+/ui")
        .contains("saga.env=preview")
        .contains("order-fulfilment v1")
        .contains("money-transfer v1");
    // The same addresses, for scripts, in a file under the data directory
    java.util.Properties addresses = new java.util.Properties();
    try (java.io.Reader in =
        java.nio.file.Files.newBufferedReader(dataDir.resolve("addresses.properties"))) {
      addresses.load(in);
    }
    assertThat(addresses.getProperty("kafka.bootstrap.servers")).startsWith("127.0.0.1:");
    assertThat(addresses.getProperty("status.page.url")).matches("http://127\\.0\\.0\\.1:\\d+/ui");
    assertThat(output.text()).contains(addresses.getProperty("http.api.url"));
    // Process.destroy() would also close our end of its output pipe; the handle only signals.
    assertThat(process.toHandle().destroy()).isTrue();

    // Then it shuts the broker down and exits by itself
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    output.join();
    assertThat(output.text())
        .contains("Stop requested; shutting down")
        .contains("Embedded Kafka broker at 127.0.0.1:")
        .contains("Sagaflow stopped cleanly")
        .doesNotContain("Exception");
    // A clean stop on SIGTERM is a success, not the JVM's 143 for "killed by a signal"
    assertThat(process.exitValue()).isZero();
    assertThat(dataDir.resolve("kafka").resolve("logs").resolve("meta.properties")).exists();
    // And the native libraries it unpacked (RocksDB's 15 MB) do not stay in the temporary directory
    try (var left = Files.list(tmp)) {
      assertThat(left.map(p -> p.getFileName().toString())).noneMatch(name -> name.endsWith(".so"));
    }
  }

  @Test
  void shouldStopCleanlyOnSigtermWhileTheDemoRunsWithExit(@TempDir Path dataDir) throws Exception {
    // Given a demo too big to finish soon, and --exit (wait for it to finish)
    Process process =
        runJar(
            "--data-dir", dataDir.toString(), "--exit", "--sagas", "20000", "--latency-ms", "50");
    OutputCollector output = new OutputCollector(process.getInputStream());
    await()
        .atMost(Duration.ofSeconds(90))
        .until(() -> output.text().contains("progress  sent") || !process.isAlive());
    assertThat(process.isAlive()).as(output.text()).isTrue();

    // When it gets SIGTERM in the middle of the demo
    assertThat(process.toHandle().destroy()).isTrue();

    // Then it stops at once, cleanly, with status 0, instead of waiting for the demo
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(output.text()).isTrue();
    output.join();
    assertThat(output.text())
        .contains("Stop requested before the demo finished; shutting down")
        .contains("Sagaflow stopped cleanly")
        .doesNotContain("finished in")
        .doesNotContain(" ERROR ");
    assertThat(process.exitValue()).isZero();
  }

  @Test
  void shouldServeTheHttpApiAndRunASagaStartedOverHttp(@TempDir Path dataDir) throws Exception {
    // Given the app running with its simulated participants but no demo
    Process process = runJar("--data-dir", dataDir.toString(), "--no-demo");
    OutputCollector output = new OutputCollector(process.getInputStream());
    try {
      await()
          .atMost(Duration.ofSeconds(90))
          .until(
              () -> output.text().contains("HTTP API at http://127.0.0.1:") || !process.isAlive());
      java.util.regex.Matcher url =
          java.util.regex.Pattern.compile("HTTP API at (http://127\\.0\\.0\\.1:\\d+)")
              .matcher(output.text());
      assertThat(url.find()).as(output.text()).isTrue();
      java.net.URI base = java.net.URI.create(url.group(1));
      java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> status(http, base.resolve("/health/ready")) == 200);

      // When an order is started over HTTP
      String order =
          "{\"orderId\":\"o-http\",\"customerId\":\"c-1\",\"customerEmail\":\"ada@example.org\","
              + "\"shippingAddress\":{\"recipient\":\"Ada\",\"line1\":\"1 St\",\"line2\":null,"
              + "\"city\":\"London\",\"postalCode\":\"N1\",\"countryCode\":\"GB\"},"
              + "\"lines\":[{\"sku\":\"s-1\",\"quantity\":1}],\"amount\":\"10.00\","
              + "\"currency\":\"EUR\",\"paymentToken\":\"tok\"}";
      java.net.http.HttpResponse<String> started =
          http.send(
              java.net.http.HttpRequest.newBuilder(base.resolve("/sagas/order-fulfilment"))
                  .header("Content-Type", "application/json")
                  .header("Idempotency-Key", "order-o-http")
                  .POST(java.net.http.HttpRequest.BodyPublishers.ofString(order))
                  .build(),
              java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
      String location = started.headers().firstValue("Location").orElseThrow();

      // Then the participants drive it to an end, and its status is served with personal data
      // masked
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  body(http, base.resolve(location))
                      .matches("(?s).*\"status\":\"(COMPLETED|COMPENSATED)\".*"));
      String status = body(http, base.resolve(location));
      assertThat(status).contains("\"servedBy\":\"active\"").doesNotContain("ada@example.org");
    } finally {
      assertThat(process.toHandle().destroy()).isTrue();
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    }
  }

  private static int status(java.net.http.HttpClient http, java.net.URI uri) throws Exception {
    return http.send(
            java.net.http.HttpRequest.newBuilder(uri).build(),
            java.net.http.HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private static String body(java.net.http.HttpClient http, java.net.URI uri) throws Exception {
    return http.send(
            java.net.http.HttpRequest.newBuilder(uri).build(),
            java.net.http.HttpResponse.BodyHandlers.ofString())
        .body();
  }

  @Test
  void shouldRunTheDemoToItsSummaryAndExitWhenAskedTo(@TempDir Path dataDir) throws Exception {
    // Given the README's run command, with a small workload and --exit
    Process process = runJar("--data-dir", dataDir.toString(), "--sagas", "50", "--exit");
    OutputCollector output = new OutputCollector(process.getInputStream());

    // Then it prints progress and the summary, and exits by itself with success
    assertThat(process.waitFor(3, TimeUnit.MINUTES)).as(output.text()).isTrue();
    output.join();
    assertThat(process.exitValue()).as(output.text()).isZero();
    assertThat(output.text())
        .contains("health  sagas ENABLED")
        .contains("progress  sent 100/100")
        .containsPattern("Demo demo-\\w+ finished in [0-9.]+ s: 100 sagas, \\d+ completed")
        .containsPattern("order-fulfilment: 50 sagas, \\d+ completed")
        .containsPattern("money-transfer: 50 sagas, \\d+ completed")
        .contains(": matches.")
        .contains("Sagaflow stopped cleanly");
  }

  @Test
  void shouldCreateTopicsOnExternalClusterAndExit(TestKafka kafka, @TempDir Path dataDir)
      throws Exception {
    int exit;
    try (SchemaRegistryServer registry = SchemaRegistryServer.startInMemory()) {
      exit =
          SagaflowCli.execute(
              "run",
              "--mode",
              "external",
              "--bootstrap-servers",
              kafka.bootstrapServers(),
              "--set",
              "saga.schema.registry.url=" + registry.url(),
              "--data-dir",
              dataDir.toString(),
              "--exit");
    }

    assertThat(exit).isZero();
    try (Admin admin = kafka.admin()) {
      Set<String> topics = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      assertThat(topics)
          .containsAll(
              List.of(
                  "saga.requests",
                  "saga.replies",
                  "saga.events",
                  "saga.dlq",
                  "inventory.commands",
                  "payment.commands",
                  "shipping.commands",
                  "notification.commands"));
      String retention =
          admin
              .describeConfigs(
                  List.of(
                      new org.apache.kafka.common.config.ConfigResource(
                          org.apache.kafka.common.config.ConfigResource.Type.TOPIC, "saga.dlq")))
              .all()
              .get(30, TimeUnit.SECONDS)
              .values()
              .iterator()
              .next()
              .get("retention.ms")
              .value();
      assertThat(retention).isEqualTo(Long.toString(Duration.ofDays(30).toMillis()));
    }
  }

  @Test
  void shouldExitWithUsageCodeAndNameTheSettingOnBadConfiguration() throws Exception {
    Process process = runJar("--set", "saga.topics.partitions=many");
    OutputCollector output = new OutputCollector(process.getInputStream());

    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    output.join();
    assertThat(process.exitValue()).isEqualTo(2);
    assertThat(output.text())
        .contains(
            "Configuration error: Invalid value 'many' for saga.topics.partitions: expected a"
                + " whole number.");
  }

  @Test
  void shouldExitWithUsageCodeWhenAKafkaClientRefusesAKafkaSetting(@TempDir Path dataDir)
      throws Exception {
    // A pair of client settings Kafka itself refuses together
    Process process =
        runJar(
            "--mode",
            "external",
            "--bootstrap-servers",
            "127.0.0.1:1",
            "--set",
            "saga.schema.registry.url=http://127.0.0.1:1",
            "--set",
            "kafka.default.api.timeout.ms=1000",
            "--data-dir",
            dataDir.toString(),
            "--no-demo");
    OutputCollector output = new OutputCollector(process.getInputStream());

    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    output.join();
    assertThat(process.exitValue()).isEqualTo(2);
    assertThat(output.text())
        .contains(
            "Configuration error: The specified value of default.api.timeout.ms must be no"
                + " smaller than the value of request.timeout.ms")
        .doesNotContain("\tat io.sagaflow");
  }

  @Test
  void shouldSayWhichClusterItCannotReachAndExitWithoutAStackTrace(@TempDir Path dataDir)
      throws Exception {
    // Given a cluster address where nothing listens
    String nowhere = "127.0.0.1:" + io.sagaflow.embedded.kafka.FreePorts.pick();
    Process process =
        runJar(
            "--mode",
            "external",
            "--bootstrap-servers",
            nowhere,
            "--set",
            "saga.schema.registry.url=http://127.0.0.1:1",
            "--set",
            "kafka.request.timeout.ms=3000",
            "--set",
            "kafka.default.api.timeout.ms=3000",
            "--data-dir",
            dataDir.toString(),
            "--no-demo");
    OutputCollector output = new OutputCollector(process.getInputStream());

    // Then start-up fails within the configured wait, naming the address, with no stack trace
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    output.join();
    assertThat(process.exitValue()).isEqualTo(1);
    assertThat(output.text())
        .contains(
            "Start-up failed: Cannot reach the Kafka cluster at " + nowhere + " within 3000 ms")
        .doesNotContain("\tat io.sagaflow");
  }

  @Test
  void shouldRefuseToStartWhenTwoPluginsDefineOneSagaTypeAndVersion(@TempDir Path dir)
      throws Exception {
    // Given the order example twice on the plugin path, as a careless upgrade would leave it
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    Path original =
        SagaflowJar.EXAMPLE_PLUGINS.resolve("example-order-fulfilment-0.1.0-SNAPSHOT.jar");
    Files.copy(original, plugins.resolve("orders-old.jar"));
    Files.copy(original, plugins.resolve("orders-new.jar"));

    Process process =
        SagaflowJar.runWithPlugins(plugins, "--data-dir", dir.resolve("data").toString());
    OutputCollector output = new OutputCollector(process.getInputStream());

    // Then it stops at once, before starting a broker, naming the type and both jars
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    output.join();
    assertThat(process.exitValue()).as(output.text()).isEqualTo(2);
    assertThat(output.text())
        .contains("Configuration error: Saga type 'order-fulfilment' v1 is defined by two modules")
        .contains("orders-old.jar")
        .contains("orders-new.jar")
        .doesNotContain("Embedded Kafka broker");
    assertThat(dir.resolve("data").resolve("kafka")).doesNotExist();
  }

  @Test
  void shouldExitWithUsageCodeWhenReadsShouldNeedATokenThatIsNotSet() throws Exception {
    Process process = runJar("--set", "saga.http.token.on.reads=true");
    OutputCollector output = new OutputCollector(process.getInputStream());

    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    output.join();
    assertThat(process.exitValue()).isEqualTo(2);
    assertThat(output.text())
        .contains("Configuration error: saga.http.token.on.reads=true needs saga.http.token");
  }

  private static Process runJar(String... args) throws java.io.IOException {
    return SagaflowJar.run(args);
  }
}
