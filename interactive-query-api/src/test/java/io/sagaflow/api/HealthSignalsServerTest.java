package io.sagaflow.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.streams.errors.StreamsException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What the health routes make of the faults they watch, over HTTP, on a processor that is not
 * started: its Streams state alone keeps it unready, so each test checks that the fault is named
 * next to that reason, and the sections are there. {@code CrashLoopHealthIT} shows the same on a
 * running processor whose threads really die.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HealthSignalsServerTest {
  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

  private final MutableClock clock = new MutableClock(T0);
  private final StreamThreadReplacements replacements =
      new StreamThreadReplacements(1, Duration.ofSeconds(30), clock);
  private final List<ParticipantHealth> participants = new CopyOnWriteArrayList<>();
  private IdleProcessor processor;
  private SagaApiServer server;
  private Http http;

  @BeforeAll
  void start() throws Exception {
    processor = new IdleProcessor("api-health-signals");
    server =
        processor
            .server(
                ApiSettings.defaults(),
                HealthSignals.of(replacements).withParticipants(() -> List.copyOf(participants)))
            .start();
    http = new Http(server.port());
  }

  @AfterAll
  void stop() {
    server.close();
    processor.close();
  }

  @BeforeEach
  void reset() {
    participants.clear();
    // Past the window of whatever an earlier test recorded.
    clock.advance(Duration.ofMinutes(5));
  }

  @Test
  void shouldListEachParticipantAndNameTheFailedOneInTheDetail() {
    participants.add(ParticipantHealth.running("payment"));
    participants.add(
        ParticipantHealth.failed(
            "inventory", "java.lang.IllegalStateException (root cause: ...RecordTooLarge)"));

    HttpResponse<String> response = http.get("/health/ready");

    assertThat(response.statusCode()).isEqualTo(503);
    JsonNode body = Http.json(response);
    assertThat(body.get("participants").get("payment").get("status").asText()).isEqualTo("RUNNING");
    assertThat(body.get("participants").get("payment").has("reason")).isFalse();
    assertThat(body.get("participants").get("inventory").get("status").asText())
        .isEqualTo("FAILED");
    assertThat(body.get("participants").get("inventory").get("reason").asText())
        .contains("IllegalStateException");
    assertThat(body.get("detail").asText())
        .contains("Kafka Streams is CREATED")
        .contains("Participant inventory has stopped (java.lang.IllegalStateException")
        .doesNotContain("Participant payment");
  }

  @Test
  void shouldLeaveOutTheParticipantsSectionWhenNoneRunHere() {
    JsonNode body = Http.json(http.get("/health/ready"));

    assertThat(body.has("participants")).isFalse();
    assertThat(body.get("detail").asText()).doesNotContain("Participant");
  }

  @Test
  void shouldNameTheCountAndTheLastFailureWhenThreadsAreReplacedTooOften() {
    JsonNode before = Http.json(http.get("/health/ready"));
    assertThat(before.get("streamThreadReplacements").get("inWindow").asInt()).isZero();

    replacements.record(new IllegalStateException("order 42 for alice"));
    clock.advance(Duration.ofSeconds(2));
    replacements.record(
        new StreamsException(
            "Error encountered sending record to topic saga.dead-letters for task 0_3 due to:\n"
                + "org.apache.kafka.common.errors.RecordTooLargeException: too large",
            new RecordTooLargeException("The message is 1048600 bytes")));

    HttpResponse<String> response = http.get("/health/ready");

    assertThat(response.statusCode()).isEqualTo(503);
    JsonNode section = Http.json(response).get("streamThreadReplacements");
    assertThat(section.get("inWindow").asInt()).isEqualTo(2);
    assertThat(section.get("max").asInt()).isEqualTo(1);
    assertThat(section.get("window").asText()).isEqualTo("PT30S");
    assertThat(section.get("last").get("at").asText()).isEqualTo(clock.now.toString());
    assertThat(section.get("last").get("exception").asText())
        .isEqualTo(StreamsException.class.getName());
    assertThat(section.get("last").get("rootCause").asText())
        .isEqualTo(RecordTooLargeException.class.getName() + ": The message is 1048600 bytes");
    assertThat(Http.json(response).get("detail").asText())
        .contains("Stream threads keep dying: 2 were replaced in the last 30 s")
        .contains("more than the 1 tolerated")
        .contains("topic saga.dead-letters for task 0_3")
        .contains("RecordTooLargeException: The message is 1048600 bytes");
    assertThat(response.body()).doesNotContain("alice");
  }

  @Test
  void shouldStayLiveWhileThreadsAreReplacedInALoop() {
    replacements.record(new IllegalStateException("boom"));
    replacements.record(new IllegalStateException("boom"));

    HttpResponse<String> live = http.get("/health/live");

    assertThat(live.statusCode()).isEqualTo(200);
    assertThat(Http.json(live).get("status").asText()).isEqualTo("UP");
    assertThat(Http.json(live).get("streamsState").asText()).isEqualTo("CREATED");
  }

  @Test
  void shouldCountReplacementsOnTheMetricsRoute() {
    long before = replacements.total();
    replacements.record(new IllegalStateException("boom"));

    assertThat(http.get("/metrics").body())
        .contains("sagaflow_stream_thread_replacements_total " + (double) (before + 1));
  }

  @Test
  void shouldSayOnTheMetricsRouteThatTheProcessorIsNotRunningAndMeasureTheJvm() {
    String metrics = http.get("/metrics").body();

    assertThat(metrics)
        .contains("sagaflow_processor_running 0.0")
        .contains("jvm_memory_used_bytes{")
        .contains("process_cpu_usage");
  }
}
