package io.sagaflow.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sagaflow.app.modules.PluginJars;
import java.io.Reader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user's own saga, built into a module jar at test time, run by the stock runtime from {@code
 * --plugin-path} on the embedded broker. The test plays the participant: it reads the commands from
 * Kafka and answers through the HTTP callback route, as a service in any language could.
 */
class PluginPathIT {
  private static final Duration WAIT = Duration.ofSeconds(90);

  @TempDir Path dir;
  private Process process;
  private OutputCollector output;
  private URI api;
  private KafkaConsumer<String, byte[]> commands;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void startTheStockRuntimeWithTheUsersPlugin() throws Exception {
    Path plugins = dir.resolve("plugins");
    PluginJars.build("greeting", plugins.resolve("greeting.jar"));
    Path data = dir.resolve("data");
    process = SagaflowJar.runWithPlugins(plugins, "--data-dir", data.toString(), "--no-demo");
    output = new OutputCollector(process.getInputStream());
    await()
        .atMost(WAIT)
        .until(() -> output.text().contains("Press Ctrl-C to stop.") || !process.isAlive());
    assertThat(output.text()).as(output.text()).contains("greeting v1");
    Properties addresses = new Properties();
    try (Reader in = Files.newBufferedReader(data.resolve("addresses.properties"))) {
      addresses.load(in);
    }
    api = URI.create(addresses.getProperty("http.api.url"));
    await().atMost(WAIT).until(() -> get("/health/ready").statusCode() == 200);
    commands =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                addresses.getProperty("kafka.bootstrap.servers"),
                ConsumerConfig.GROUP_ID_CONFIG,
                "greeting-service-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed"),
            new StringDeserializer(),
            new ByteArrayDeserializer());
    commands.subscribe(List.of("greeting.commands"));
  }

  @AfterEach
  void stop() throws Exception {
    if (commands != null) {
      commands.close();
    }
    assertThat(process.toHandle().destroy()).isTrue();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    output.join();
    assertThat(output.text()).contains("Sagaflow stopped cleanly");
  }

  @Test
  void shouldCompleteASagaOfThePluginsType() throws Exception {
    // Given a greeting started over HTTP
    String saga = start("g-complete");

    // When the participant reserves a slot and sends the greeting
    Map<String, String> reserve = nextCommand(saga);
    assertThat(reserve).containsEntry("saga_step", "reserve-slot");
    reply(saga, reserve, "SUCCEEDED", "{\"slotId\":\"slot-7\"}");
    Map<String, String> send = nextCommand(saga);
    assertThat(send).containsEntry("saga_step", "send-greeting");
    reply(saga, send, "SUCCEEDED", "{\"messageId\":\"m-1\"}");

    // Then the saga completes, with the results in its data (the step results were merged into
    // a copy of the data, nested record included) and the personal data masked
    String status = awaitStatus(saga, "COMPLETED");
    assertThat(status)
        .contains("slot-7")
        .contains("m-1")
        .contains("\"kind\":\"email\"")
        .doesNotContain("Ada Lovelace")
        .doesNotContain("ada@example.org");
  }

  @Test
  void shouldCompensateWhenThePluginsPivotIsRefused() throws Exception {
    // Given a greeting whose slot is reserved
    String saga = start("g-refused");
    reply(saga, nextCommand(saga), "SUCCEEDED", "{\"slotId\":\"slot-9\"}");

    // When sending the greeting is refused for a business reason
    Map<String, String> send = nextCommand(saga);
    reply(saga, send, "BUSINESS_FAILURE", null);

    // Then the slot is freed (the compensation of the step before), and the saga ends compensated
    Map<String, String> free = nextCommand(saga);
    assertThat(free)
        .containsEntry("saga_step", "reserve-slot")
        .containsEntry("saga_kind", "COMPENSATION")
        .containsEntry("ce_type", "com.example.greeting.FreeSlot");
    reply(saga, free, "SUCCEEDED", null);
    awaitStatus(saga, "COMPENSATED");
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

  /** The headers of the next command for {@code saga}, as a participant reads them. */
  private Map<String, String> nextCommand(String saga) {
    Map<String, String> headers = new java.util.HashMap<>();
    await()
        .atMost(WAIT)
        .until(
            () -> {
              for (ConsumerRecord<String, byte[]> record : commands.poll(Duration.ofMillis(200))) {
                if (record.key().equals(saga) && headers.isEmpty()) {
                  for (Header h : record.headers()) {
                    headers.put(h.key(), new String(h.value(), StandardCharsets.UTF_8));
                  }
                  commands.seek(
                      new org.apache.kafka.common.TopicPartition(
                          record.topic(), record.partition()),
                      record.offset() + 1);
                  return true;
                }
              }
              return false;
            });
    return headers;
  }

  private void reply(String saga, Map<String, String> command, String outcome, String result)
      throws Exception {
    String body =
        "{\"attempt\":"
            + command.get("saga_attempt")
            + ",\"commandId\":\""
            + command.get("ce_id")
            + "\",\"outcome\":\""
            + outcome
            + "\""
            + (outcome.equals("BUSINESS_FAILURE")
                ? ",\"errorCode\":\"NO_ROUTE\",\"errorMessage\":\"no route to the recipient\""
                : "")
            + (result == null ? "" : ",\"result\":" + result)
            + "}";
    HttpResponse<String> answer =
        http.send(
            HttpRequest.newBuilder(
                    api.resolve("/sagas/" + saga + "/steps/" + command.get("saga_step") + "/reply"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
  }

  private String awaitStatus(String saga, String status) {
    await()
        .atMost(WAIT)
        .until(() -> get("/sagas/" + saga).body().contains("\"status\":\"" + status + "\""));
    return get("/sagas/" + saga).body();
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
