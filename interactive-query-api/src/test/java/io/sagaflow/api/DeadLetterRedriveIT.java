package io.sagaflow.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.sagaflow.embedded.kafka.KafkaBrokerExtension;
import io.sagaflow.embedded.kafka.TestKafka;
import io.sagaflow.topology.SagaTopics;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.StreamSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Dead letters across sagas and their redrive over real HTTP against a running processor: search
 * with filters and paging, a single redrive that a retried (and a concurrent) request submits once,
 * a bulk redrive with its dry run first, and bad input on every new route answered as a problem,
 * never a 500.
 */
@ExtendWith(KafkaBrokerExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeadLetterRedriveIT {
  private static final String TYPE = "order-fulfilment";

  private RunningProcessor processor;
  private Participants participants;
  private Http http;
  private SagaFlows flows;
  private TestKafka kafka;

  @BeforeAll
  void startProcessor(TestKafka kafka) throws Exception {
    this.kafka = kafka;
    processor = new RunningProcessor(kafka, true);
    http =
        new Http(
            processor.serverWithRedrive(processor.settings().withPort(processor.apiPort)).port());
    participants =
        new Participants(kafka, new ArrayList<>(SagaTopics.commandTopics(RunningProcessor.SAGAS)));
    flows = new SagaFlows(http, participants);
  }

  @AfterAll
  void stop() {
    participants.close();
    processor.close();
  }

  @Test
  void shouldRedriveACancelThatCameBeforeItsStartOnceUnderARetriedRequest() throws Exception {
    // Given a cancel for a saga that does not exist yet: it is dead-lettered as UNKNOWN_SAGA
    String key = "redrive-once-" + System.nanoTime();
    String sagaId = SagaIds.forStart(TYPE, Optional.of(key));
    Instant mark = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusMillis(1);
    cancel(sagaId);
    JsonNode letter = awaitLetters("reason=UNKNOWN_SAGA&failedAfter=" + mark, 1).get(0);
    assertThat(letter.get("sagaId").asText()).isEqualTo(sagaId);
    assertThat(letter.get("sagaType").isNull()).isTrue();
    String letterId = letter.get("letterId").asText();
    // And then the saga is started (the cause is gone) and runs
    flows.start(key, "Idempotency-Key", key);
    flows.awaitStatus(sagaId, "RUNNING");

    // When the operator dry-runs the redrive, nothing is written
    JsonNode dry = ok(redrive(letterId, true));
    assertThat(dry.get("outcome").asText()).isEqualTo("WOULD_REDRIVE");
    assertThat(dry.get("dryRun").asBoolean()).isTrue();
    assertThat(redriven(letterId)).isZero();

    // And then redrives it, the request retried once in sequence and twice at the same moment
    JsonNode first = ok(redrive(letterId, false));
    JsonNode retried = ok(redrive(letterId, false));
    List<CompletableFuture<HttpResponse<String>>> together =
        List.of(
            CompletableFuture.supplyAsync(() -> redrive(letterId, false)),
            CompletableFuture.supplyAsync(() -> redrive(letterId, false)));

    // Then it was submitted once: one REDRIVEN, every repeat ALREADY_REDRIVEN with the same record
    assertThat(first.get("outcome").asText()).isEqualTo("REDRIVEN");
    assertThat(first.get("record").get("operator").asText()).isEqualTo("ada");
    assertThat(first.get("record").get("originalFrom").asText()).isEqualTo("dead letter");
    assertThat(retried.get("outcome").asText()).isEqualTo("ALREADY_REDRIVEN");
    assertThat(retried.get("record")).isEqualTo(first.get("record"));
    for (CompletableFuture<HttpResponse<String>> f : together) {
      assertThat(ok(f.get()).get("outcome").asText()).isEqualTo("ALREADY_REDRIVEN");
    }
    assertThat(redriven(letterId)).isEqualTo(1);
    // And the saga acted on the redriven cancel
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                StreamSupport.stream(flows.status(sagaId).get("history").spliterator(), false)
                    .anyMatch(
                        t ->
                            t.get("cause")
                                .asText()
                                .toLowerCase(java.util.Locale.ROOT)
                                .contains("cancel")));
    // And the letter shows its record
    JsonNode shown = ok(http.get("/dead-letters/" + letterId));
    assertThat(shown.get("reason").asText()).isEqualTo("UNKNOWN_SAGA");
    assertThat(shown.get("redrivable").asBoolean()).isTrue();
    assertThat(shown.get("redrive")).isEqualTo(first.get("record"));
  }

  @Test
  void shouldDryRunThenRedriveEveryLetterOfAQueryOnce() {
    // Given two cancels of sagas never started, and a third letter of another reason
    Instant mark = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusMillis(1);
    cancel("never-started-a-" + System.nanoTime());
    cancel("never-started-b-" + System.nanoTime());
    List<JsonNode> letters = awaitLetters("reason=UNKNOWN_SAGA&failedAfter=" + mark, 2);
    String until = Instant.now().plusMillis(1).toString();
    String query =
        """
        {"reason": "UNKNOWN_SAGA", "failedAfter": "%s", "failedBefore": "%s"}"""
            .formatted(mark, until);

    // When the operator dry-runs the bulk redrive
    JsonNode dry = ok(bulk(query, true));

    // Then it says what would happen and writes nothing
    assertThat(dry.get("matched").asInt()).isEqualTo(2);
    assertThat(dry.get("outcomes").get("WOULD_REDRIVE").asInt()).isEqualTo(2);
    for (JsonNode l : letters) {
      assertThat(redriven(l.get("letterId").asText())).isZero();
    }

    // When it redrives, and then repeats the same request
    JsonNode done = ok(bulk(query, false));
    JsonNode again = ok(bulk(query, false));

    // Then each letter was submitted exactly once
    assertThat(done.get("outcomes").get("REDRIVEN").asInt()).isEqualTo(2);
    assertThat(again.get("outcomes").get("ALREADY_REDRIVEN").asInt()).isEqualTo(2);
    for (JsonNode l : letters) {
      assertThat(redriven(l.get("letterId").asText())).isEqualTo(1);
    }
  }

  @Test
  void shouldPageDeadLettersNewestFirstAndFilterByType() {
    // Given three cancels before their sagas exist, one of whose sagas then starts
    Instant mark = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusMillis(1);
    String key = "typed-" + System.nanoTime();
    String typed = SagaIds.forStart(TYPE, Optional.of(key));
    cancel("paged-a-" + System.nanoTime());
    cancel(typed);
    cancel("paged-b-" + System.nanoTime());
    List<JsonNode> all = awaitLetters("failedAfter=" + mark, 3);
    flows.start(key, "Idempotency-Key", key);
    flows.awaitStatus(typed, "RUNNING");

    // When they are read one per page
    JsonNode page1 = ok(http.get("/dead-letters?limit=2&failedAfter=" + mark));
    JsonNode page2 =
        ok(
            http.get(
                "/dead-letters?limit=2&failedAfter="
                    + mark
                    + "&cursor="
                    + URLEncoder.encode(page1.get("nextCursor").asText(), StandardCharsets.UTF_8)));

    // Then the pages hold every letter once, newest first, and the last has no next cursor
    List<String> ids = new ArrayList<>();
    page1.get("items").forEach(i -> ids.add(i.get("letterId").asText()));
    page2.get("items").forEach(i -> ids.add(i.get("letterId").asText()));
    assertThat(ids)
        .containsExactlyElementsOf(all.stream().map(i -> i.get("letterId").asText()).toList());
    assertThat(page2.get("nextCursor").isNull()).isTrue();
    // And the type filter keeps only the letter whose saga now has a state of that type
    JsonNode typedPage = ok(http.get("/dead-letters?type=" + TYPE + "&failedAfter=" + mark));
    assertThat(typedPage.get("items")).hasSize(1);
    assertThat(typedPage.get("items").get(0).get("sagaId").asText()).isEqualTo(typed);
    assertThat(typedPage.get("items").get(0).get("sagaType").asText()).isEqualTo(TYPE);
  }

  @Test
  void shouldAnswerBadInputOnTheNewRoutesWithProblemsNeverA500() {
    String body = "{\"operator\": \"ada\", \"reason\": \"fixed\"}";
    Map<String, String> gets =
        Map.ofEntries(
            Map.entry("/dead-letters?reason=NOPE", "invalid-request"),
            Map.entry("/dead-letters?reason=UNKNOWN_SAGA&reason=AFTER_END", "invalid-request"),
            Map.entry("/dead-letters?limit=0", "invalid-request"),
            Map.entry("/dead-letters?limit=501", "invalid-request"),
            Map.entry("/dead-letters?failedAfter=yesterday", "invalid-request"),
            Map.entry(
                "/dead-letters?failedAfter=2026-11-30T10:00:00Z&failedBefore=2026-11-30T09:00:00Z",
                "invalid-request"),
            Map.entry("/dead-letters?cursor=not-a-cursor", "invalid-request"),
            Map.entry("/dead-letters?sourceTopic=a%20b", "invalid-request"),
            Map.entry("/dead-letters?colour=red", "invalid-request"),
            Map.entry("/dead-letters/abc", "invalid-request"),
            Map.entry("/dead-letters/0-999999999999", "dead-letter-not-found"),
            Map.entry("/console/overview?x=1", "invalid-request"),
            Map.entry("/console/saga-types?x=1", "invalid-request"),
            Map.entry("/sagas?stepStatus=FAILED", "invalid-request"),
            Map.entry("/sagas?step=reserve-inventory&stepStatus=NOPE", "invalid-request"),
            Map.entry("/sagas?step=a%20b", "invalid-request"));
    gets.forEach(
        (path, slug) -> {
          HttpResponse<String> r = http.get(path);
          Problems.assertProblem(r, slug.equals("invalid-request") ? 400 : 404, slug);
        });
    Map<String, String> single =
        Map.ofEntries(
            Map.entry("{}", "invalid-request"),
            Map.entry("{\"operator\": \"ada\"}", "invalid-request"),
            Map.entry("{\"operator\": \" \", \"reason\": \"fixed\"}", "invalid-request"),
            Map.entry(
                "{\"operator\": \"ada\", \"reason\": \"fixed\", \"dryRun\": \"yes\"}",
                "invalid-request"),
            Map.entry(
                "{\"operator\": \"ada\", \"reason\": \"fixed\", \"force\": true}",
                "invalid-request"),
            Map.entry("[1]", "invalid-request"),
            Map.entry("{\"operator\": ", "invalid-json"));
    single.forEach(
        (json, slug) ->
            Problems.assertProblem(http.post("/dead-letters/0-0/redrive", json), 400, slug));
    Problems.assertProblem(http.post("/dead-letters/x-1/redrive", body), 400, "invalid-request");
    Problems.assertProblem(
        http.post("/dead-letters/0-999999999999/redrive", body), 404, "dead-letter-not-found");
    Map<String, String> bulk =
        Map.ofEntries(
            Map.entry(body, "invalid-request"),
            Map.entry(
                "{\"operator\": \"ada\", \"reason\": \"r\", \"query\": []}", "invalid-request"),
            Map.entry(
                "{\"operator\": \"ada\", \"reason\": \"r\", \"query\": {\"cursor\": \"x\"}}",
                "invalid-request"),
            Map.entry(
                "{\"operator\": \"ada\", \"reason\": \"r\", \"query\": {\"reason\": \"NOPE\"}}",
                "invalid-request"),
            Map.entry(
                "{\"operator\": \"ada\", \"reason\": \"r\", \"query\": {\"limit\": {}}}",
                "invalid-request"));
    bulk.forEach(
        (json, slug) ->
            Problems.assertProblem(http.post("/dead-letters/redrive", json), 400, slug));
    HttpResponse<String> plain =
        http.post("/dead-letters/redrive", body, "Content-Type", "text/plain");
    assertThat(plain.statusCode()).isIn(400, 415);
    assertThat(processor.streams.state().isRunningOrRebalancing()).isTrue();
  }

  private void cancel(String sagaId) {
    HttpResponse<String> r =
        http.post("/sagas/" + sagaId + "/cancel", "{\"reason\": \"customer changed their mind\"}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
  }

  private HttpResponse<String> redrive(String letterId, boolean dryRun) {
    return http.post(
        "/dead-letters/" + letterId + "/redrive",
        "{\"operator\": \"ada\", \"reason\": \"the saga exists now\", \"dryRun\": %s}"
            .formatted(dryRun));
  }

  private HttpResponse<String> bulk(String query, boolean dryRun) {
    return http.post(
        "/dead-letters/redrive",
        "{\"operator\": \"ada\", \"reason\": \"bulk\", \"dryRun\": %s, \"query\": %s}"
            .formatted(dryRun, query));
  }

  /** Waits for exactly {@code n} letters matching {@code query}; returns them newest first. */
  private List<JsonNode> awaitLetters(String query, int n) {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> ok(http.get("/dead-letters?" + query)).get("items").size() == n);
    List<JsonNode> items = new ArrayList<>();
    ok(http.get("/dead-letters?" + query)).get("items").forEach(items::add);
    return items;
  }

  /** How many records on saga.requests carry {@code saga_redrive_of: letterId}. */
  private int redriven(String letterId) {
    Map<String, Object> config =
        Map.of("bootstrap.servers", kafka.bootstrapServers(), "isolation.level", "read_committed");
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts =
          consumer.partitionsFor(SagaTopics.REQUESTS).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      Map<TopicPartition, Long> ends = consumer.endOffsets(parts);
      int found = 0;
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (parts.stream().anyMatch(p -> consumer.position(p) < ends.get(p))
          && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          Header h = r.headers().lastHeader("saga_redrive_of");
          if (h != null && new String(h.value(), StandardCharsets.UTF_8).equals(letterId)) {
            found++;
          }
        }
      }
      return found;
    }
  }

  private static JsonNode ok(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return Http.json(response);
  }
}
