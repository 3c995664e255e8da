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
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Search and per-saga dead letters over real HTTP against a running processor on the embedded
 * broker, read both from the instance that owns every partition and from one that must gather the
 * answer over HTTP from it.
 */
@ExtendWith(KafkaBrokerExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SagaSearchIT {
  private static final String TYPE = "order-fulfilment";

  private RunningProcessor processor;
  private Participants participants;
  private Http http;
  private Http elsewhere;
  private SagaFlows flows;

  @BeforeAll
  void startProcessor(TestKafka kafka) throws Exception {
    processor = new RunningProcessor(kafka, true);
    http = new Http(processor.server(processor.settings().withPort(processor.apiPort)).port());
    participants =
        new Participants(kafka, new ArrayList<>(SagaTopics.commandTopics(RunningProcessor.SAGAS)));
    flows = new SagaFlows(http, participants);
    // Not in the processor's metadata: it must ask the owner of every partition over HTTP.
    elsewhere = new Http(processor.serverElsewhere().port());
  }

  @AfterAll
  void stop() {
    participants.close();
    processor.close();
  }

  /** An instant just before anything the test starts next; createdAt has millisecond precision. */
  private static Instant mark() {
    return Instant.now().truncatedTo(ChronoUnit.MILLIS).minusMillis(1);
  }

  /** Starts {@code n} sagas and waits until each runs; returns their status views. */
  private List<JsonNode> startRunning(String prefix, int n) {
    List<JsonNode> views = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      views.add(flows.awaitStatus(flows.start(prefix + i), "RUNNING"));
    }
    return views;
  }

  /** Saga ids newest first, then by id: the order search promises. */
  private static List<String> newestFirst(List<JsonNode> views) {
    return views.stream()
        .sorted(
            Comparator.comparing((JsonNode v) -> Instant.parse(v.get("createdAt").asText()))
                .reversed()
                .thenComparing(v -> v.get("sagaId").asText()))
        .map(v -> v.get("sagaId").asText())
        .toList();
  }

  private static String query(Map<String, String> params) {
    StringBuilder q = new StringBuilder("/sagas?");
    params.forEach(
        (k, v) ->
            q.append(k)
                .append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8))
                .append('&'));
    return q.substring(0, q.length() - 1);
  }

  private static JsonNode ok(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return Http.json(response);
  }

  /** Walks every page of a search; returns the page sizes and the saga ids in order. */
  private static Pages walk(Http server, Map<String, String> filters) {
    List<Integer> sizes = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    String cursor = null;
    do {
      Map<String, String> params = new java.util.LinkedHashMap<>(filters);
      if (cursor != null) {
        params.put("cursor", cursor);
      }
      JsonNode page = ok(server.get(query(params)));
      sizes.add(page.get("items").size());
      page.get("items").forEach(item -> ids.add(item.get("sagaId").asText()));
      cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
    } while (cursor != null);
    return new Pages(sizes, ids);
  }

  private record Pages(List<Integer> sizes, List<String> ids) {}

  @Test
  void shouldPageThroughRunningSagasOfATypeNewestFirstWithoutGapsOrDuplicates() {
    String since = mark().toString();
    List<String> expected = newestFirst(startRunning("page", 7));

    Map<String, String> filters =
        Map.of("status", "RUNNING", "type", TYPE, "createdAfter", since, "limit", "3");
    Pages pages = walk(http, filters);

    assertThat(pages.ids()).containsExactlyElementsOf(expected);
    assertThat(pages.sizes()).containsExactly(3, 3, 1);
    assertThat(new HashSet<>(pages.ids())).hasSize(7);
    // The instance outside the metadata gathers the same pages from the owner over HTTP
    assertThat(walk(elsewhere, filters)).isEqualTo(pages);
  }

  @Test
  void shouldServeSummariesThatMatchTheSagasStatus() {
    String since = mark().toString();
    JsonNode view = startRunning("summary", 1).get(0);

    JsonNode page = ok(http.get(query(Map.of("createdAfter", since))));

    assertThat(page.get("items")).hasSize(1);
    JsonNode item = page.get("items").get(0);
    String sagaId = view.get("sagaId").asText();
    assertThat(item.get("sagaId").asText()).isEqualTo(sagaId);
    assertThat(item.get("sagaType").asText()).isEqualTo(TYPE);
    assertThat(item.get("status").asText()).isEqualTo("RUNNING");
    assertThat(item.get("createdAt").asText()).isEqualTo(view.get("createdAt").asText());
    assertThat(item.get("statusSince").asText()).isEqualTo(view.get("createdAt").asText());
    assertThat(item.get("statusUrl").asText()).isEqualTo("/sagas/" + sagaId);
    assertThat(page.get("nextCursor").isNull()).isTrue();
    assertThat(page.has("partitions")).as("internal to forwarded answers").isFalse();
  }

  @Test
  void shouldFindAStuckSagaByStatusAndByHowLongItHasBeenStuck() {
    String since = mark().toString();
    String stuck = flows.start("stuck");
    flows.throughPivot(stuck);
    flows.answer(stuck, "book-shipment", "BUSINESS_FAILURE", "null");
    JsonNode view = flows.awaitStatus(stuck, "STUCK");
    String running = startRunning("not-stuck", 1).get(0).get("sagaId").asText();
    String stuckAt = view.get("history").get(view.get("history").size() - 1).get("at").asText();

    JsonNode byStatus = ok(http.get(query(Map.of("status", "STUCK", "createdAfter", since))));
    JsonNode stuckSinceThen =
        ok(http.get(query(Map.of("stuckFor", "PT0S", "createdAfter", since))));
    JsonNode stuckAnHour = ok(http.get(query(Map.of("stuckFor", "PT1H", "createdAfter", since))));
    JsonNode everything = ok(http.get(query(Map.of("createdAfter", since))));

    assertThat(byStatus.get("items"))
        .extracting(i -> i.get("sagaId").asText())
        .containsExactly(stuck);
    assertThat(byStatus.at("/items/0/statusSince").asText()).isEqualTo(stuckAt);
    assertThat(stuckSinceThen.get("items"))
        .extracting(i -> i.get("sagaId").asText())
        .containsExactly(stuck);
    assertThat(stuckAnHour.get("items")).isEmpty();
    assertThat(everything.get("items"))
        .extracting(i -> i.get("sagaId").asText() + ":" + i.get("status").asText())
        .containsExactly(running + ":RUNNING", stuck + ":STUCK");
  }

  @Test
  void shouldListASagasDeadLettersOldestFirstWithoutTheirBytes() {
    String sagaId = startRunning("dead", 1).get(0).get("sagaId").asText();
    Participants.Command reserve = participants.command(sagaId, "reserve-inventory", "ACTION", 1);

    // When a participant replies for a step the saga does not have
    HttpResponse<String> reply =
        http.post(
            "/sagas/" + sagaId + "/steps/teleport-goods/reply",
            """
            {"attempt": 1, "commandId": "%s", "outcome": "SUCCEEDED"}
            """
                .formatted(reserve.commandId()));
    assertThat(reply.statusCode()).as(reply.body()).isEqualTo(202);
    await().atMost(Duration.ofSeconds(30)).until(() -> letters(http, sagaId).size() == 1);
    // And then a record that is not Avro at all arrives keyed by the saga id
    acked(
        processor.producer.send(
            new ProducerRecord<>(SagaTopics.REPLIES, sagaId, new byte[] {7, 7, 7})));
    await().atMost(Duration.ofSeconds(30)).until(() -> letters(http, sagaId).size() == 2);

    // Then both are listed, oldest first, with the size of what was sent but never its bytes
    HttpResponse<String> response = http.get("/sagas/" + sagaId + "/dead-letters");
    JsonNode body = ok(response);
    assertThat(body.get("sagaId").asText()).isEqualTo(sagaId);
    JsonNode items = body.get("items");
    assertThat(items)
        .extracting(i -> i.get("reason").asText())
        .containsExactly("UNKNOWN_STEP", "DESERIALIZATION_FAILED");
    assertThat(items.get(0).get("detail").asText()).contains("teleport-goods");
    assertThat(items.get(0).get("sourceTopic").asText()).isEqualTo(SagaTopics.REPLIES);
    assertThat(items.get(1).get("originalValueBytes").asInt()).isEqualTo(3);
    for (JsonNode item : items) {
      assertThat(Instant.parse(item.get("failedAt").asText())).isNotNull();
      assertThat(item.get("dlqOffset").isIntegralNumber()).isTrue();
      assertThat(item.has("originalValue")).isFalse();
    }
    assertThat(response.body()).doesNotContain("BwcH");
    assertThat(processor.streams.state().isRunningOrRebalancing()).isTrue();
    // The same list, gathered over HTTP by the instance outside the metadata
    assertThat(ok(elsewhere.get("/sagas/" + sagaId + "/dead-letters"))).isEqualTo(body);
  }

  @Test
  void shouldDeadLetterAnInputJustUnderTheBrokersMessageSizeAndKeepGoing() {
    // Given an undecodable start request of 1,045,000 bytes, just under the broker's 1 MiB limit,
    // and
    // a small one after it
    acked(
        processor.producer.send(
            new ProducerRecord<>(SagaTopics.REQUESTS, "huge-1", new byte[1_045_000])));
    acked(
        processor.producer.send(
            new ProducerRecord<>(SagaTopics.REQUESTS, "after-huge-1", new byte[] {7, 7, 7})));

    // Then both are dead-lettered: the large one without its bytes (a dead letter carrying them
    // would be over the limit, and failing to write it stopped the processor on every retry)
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> letters(http, "huge-1").size() == 1 && letters(http, "after-huge-1").size() == 1);
    JsonNode huge = letters(http, "huge-1").get(0);
    assertThat(huge.get("reason").asText()).isEqualTo("DESERIALIZATION_FAILED");
    assertThat(huge.get("detail").asText())
        .contains("1045006 bytes, are not in this dead letter")
        .contains(SagaTopics.REQUESTS + "-");
    assertThat(processor.streams.state().isRunningOrRebalancing()).isTrue();
  }

  @Test
  void shouldAnswerAnEmptyListForASagaWithoutDeadLetters() {
    JsonNode body = ok(http.get("/sagas/never-dead-lettered/dead-letters"));

    assertThat(body.get("sagaId").asText()).isEqualTo("never-dead-lettered");
    assertThat(body.get("items")).isEmpty();
  }

  private static List<JsonNode> letters(Http server, String sagaId) {
    HttpResponse<String> response = server.get("/sagas/" + sagaId + "/dead-letters");
    if (response.statusCode() != 200) {
      return List.of();
    }
    return Arrays.asList(
        Http.JSON.convertValue(Http.json(response).get("items"), JsonNode[].class));
  }

  /** Waits for the broker's acknowledgement, so a send that fails fails the test, not later. */
  private static void acked(Future<RecordMetadata> send) {
    try {
      send.get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while sending", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new AssertionError("the broker did not take the record", e);
    }
  }
}
