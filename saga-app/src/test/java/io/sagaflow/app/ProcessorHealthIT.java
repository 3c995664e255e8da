package io.sagaflow.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sagaflow.app.config.SagaflowConfig;
import io.sagaflow.app.demo.StartRequests;
import io.sagaflow.topology.SagaTopics;
import io.sagaflow.topology.SagaTopology;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The health routes of {@code sagaflow run} when its parts really fail: stream threads that die in
 * a loop on a write the broker refuses, and a simulated participant whose reply the broker refuses.
 * Each shrinks a topic's {@code max.message.bytes} so that a normal record no longer fits, the same
 * failure the black-box test met with an oversized dead letter.
 */
class ProcessorHealthIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** Each turn of the loop waits out the dead member's session: short here, so the test is. */
  private static final Map<String, String> FAST_LOOP =
      Map.of(
          "saga.health.thread.replacements.max", "1",
          "saga.health.thread.replacements.window.seconds", "40",
          "kafka.session.timeout.ms", "6000",
          "kafka.heartbeat.interval.ms", "1500");

  @Test
  void shouldBeUnreadyWhileStreamThreadsDieInALoopAndReadyOnceTheyStop(@TempDir Path dataDir)
      throws Exception {
    try (SagaCluster cluster = SagaCluster.start(dataDir)) {
      SagaflowConfig config = cluster.config(dataDir, FAST_LOOP);
      try (SagaflowRuntime runtime = new SagaflowRuntime(config).start()) {
        URI base = URI.create("http://127.0.0.1:" + runtime.httpPort().orElseThrow());
        awaitReady(base);
        JsonNode section = json(get(base, "/health/ready")).get("streamThreadReplacements");
        assertThat(section.get("max").asInt()).isEqualTo(1);
        assertThat(section.get("window").asText()).isEqualTo("PT40S");

        // When every write of saga state is refused by its changelog topic (room is left for the
        // broker's own transaction markers: without it the aborts themselves could not be written)
        String changelog = cluster.applicationId + "-" + SagaTopology.STATE_STORE + "-changelog";
        setMaxMessageBytes(cluster, changelog, "256");
        start(cluster, config, "it-health-loop-1");

        // Then the processor's threads die in a loop and readiness names the cause
        AtomicReference<HttpResponse<String>> seen = new AtomicReference<>();
        await()
            // The dying stream threads' exceptions are the subject here, not a test failure.
            .dontCatchUncaughtExceptions()
            .atMost(Duration.ofMinutes(2))
            .until(
                () -> {
                  seen.set(get(base, "/health/ready"));
                  return json(seen.get()).get("streamThreadReplacements").get("inWindow").asInt()
                      > 1;
                });
        assertThat(seen.get().statusCode()).isEqualTo(503);
        JsonNode last = json(seen.get()).get("streamThreadReplacements").get("last");
        assertThat(last.get("rootCause").asText())
            .startsWith(RecordTooLargeException.class.getName());
        // The refused changelog record fails the transaction's producer; Kafka Streams reports it
        // at whichever send of the transaction comes next (the changelog, a command topic), so
        // the message names a failed send, and the root cause says why
        assertThat(last.get("message").asText()).startsWith("Error encountered");
        assertThat(json(seen.get()).get("detail").asText()).contains("Stream threads keep dying");
        assertThat(get(base, "/health/live").statusCode()).isEqualTo(200);
        assertThat(get(base, "/metrics").body())
            .containsPattern("sagaflow_stream_thread_replacements_total [1-9]");

        // When the topic takes saga state again
        setMaxMessageBytes(cluster, changelog, "1048588");

        // Then the saga that stopped the world goes on, and the instance is ready once the
        // replacements have left the window
        await()
            .dontCatchUncaughtExceptions()
            .atMost(Duration.ofSeconds(150))
            .until(
                () ->
                    get(base, "/health/ready").statusCode() == 200
                        && get(base, "/sagas/it-health-loop-1").statusCode() == 200);
      }
    }
  }

  @Test
  void shouldBeUnreadyAndNameTheParticipantWhenOneDies(@TempDir Path dataDir) throws Exception {
    try (SagaCluster cluster = SagaCluster.start(dataDir)) {
      SagaflowConfig config = cluster.config(dataDir, Map.of("saga.participants.enabled", "true"));
      try (SagaflowRuntime runtime = new SagaflowRuntime(config).start()) {
        URI base = URI.create("http://127.0.0.1:" + runtime.httpPort().orElseThrow());
        awaitReady(base);
        JsonNode participants = json(get(base, "/health/ready")).get("participants");
        assertThat(participants.get("inventory").get("status").asText()).isEqualTo("RUNNING");
        assertThat(participants.findValuesAsText("status")).containsOnly("RUNNING");

        // When the replies topic refuses every reply, and an order reaches inventory, its first
        // step's participant
        setMaxMessageBytes(cluster, SagaTopics.REPLIES, "64");
        start(cluster, config, "it-health-participant-1");

        // Then inventory's thread ends, and readiness says which participant and why
        AtomicReference<HttpResponse<String>> seen = new AtomicReference<>();
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () -> {
                  seen.set(get(base, "/health/ready"));
                  return json(seen.get())
                      .get("participants")
                      .get("inventory")
                      .get("status")
                      .asText()
                      .equals("FAILED");
                });
        HttpResponse<String> ready = seen.get();
        assertThat(ready.statusCode()).isEqualTo(503);
        JsonNode inventory = json(ready).get("participants").get("inventory");
        assertThat(inventory.get("reason").asText())
            .contains("IllegalStateException")
            .contains(RecordTooLargeException.class.getName());
        assertThat(json(ready).get("detail").asText())
            .contains("Participant inventory has stopped")
            .doesNotContain("Participant payment");
        assertThat(json(ready).get("participants").get("payment").get("status").asText())
            .isEqualTo("RUNNING");
        assertThat(get(base, "/health/live").statusCode()).isEqualTo(200);
      }
    }
  }

  private static void awaitReady(URI base) {
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> get(base, "/health/ready").statusCode() == 200);
  }

  private static void start(SagaCluster cluster, SagaflowConfig config, String sagaId) {
    try (StartRequests requests =
        new StartRequests(config, cluster.schemas, 42, TestModules.onClassPath().classLoader())) {
      requests.send(TestModules.orders(), List.of(sagaId), () -> {});
    }
  }

  private static void setMaxMessageBytes(SagaCluster cluster, String topic, String bytes)
      throws Exception {
    try (Admin admin = cluster.admin()) {
      admin
          .incrementalAlterConfigs(
              Map.of(
                  new ConfigResource(ConfigResource.Type.TOPIC, topic),
                  List.of(
                      new AlterConfigOp(
                          new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, bytes),
                          AlterConfigOp.OpType.SET))))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
  }

  private static HttpResponse<String> get(URI base, String path) {
    try {
      return HTTP.send(
          HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode json(HttpResponse<String> response) {
    try {
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException("not JSON: " + response.body(), e);
    }
  }
}
