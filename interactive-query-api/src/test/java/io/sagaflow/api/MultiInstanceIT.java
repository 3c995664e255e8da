package io.sagaflow.api;

import static io.sagaflow.api.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.sagaflow.embedded.kafka.KafkaBrokerExtension;
import io.sagaflow.embedded.kafka.TestKafka;
import io.sagaflow.topology.SagaTopics;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two instances of one processor application on the embedded broker, each with its own state
 * directory and API port ({@code application.server}), sharing saga topics of {@value
 * RunningProcessor#SAGA_TOPIC_PARTITIONS} partitions: every saga is answered by both instances (the
 * non-owner forwards once), and when one instance leaves the other takes over its partitions,
 * answering 503 with Retry-After while they move and never a wrong saga or a 404.
 *
 * <p>Both instances require the bearer token on reads, and the clients below send it: every
 * forwarded status read and every search fan-out therefore also shows the caller's token reaching
 * the other instance, which checks it itself.
 */
@ExtendWith(KafkaBrokerExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MultiInstanceIT {
  private static final int SAGAS = 30;
  private static final int COMPLETED = 10;
  private static final String TOKEN = "multi-s3cret";
  private static final String[] AUTHORIZED = {"Authorization", "Bearer " + TOKEN};

  private RunningProcessor first;
  private RunningProcessor second;
  private Http firstHttp;
  private Http secondHttp;
  private Http firstAnonymous;
  private Http secondAnonymous;
  private Participants participants;

  /** Saga id to the terminal status it was driven to. */
  private final Map<String, String> expected = new LinkedHashMap<>();

  @BeforeAll
  void startTwoInstancesAndFinishSagas(TestKafka kafka) throws Exception {
    first = new RunningProcessor(kafka);
    firstHttp = new Http(first.server(guardedReads(first)).port(), AUTHORIZED);
    firstAnonymous = new Http(first.apiPort);
    second = RunningProcessor.joining(first);
    secondHttp = new Http(second.server(guardedReads(second)).port(), AUTHORIZED);
    secondAnonymous = new Http(second.apiPort);
    RunningProcessor.awaitSettled(List.of(first, second));
    participants = new Participants(kafka, SagaTopics.commandTopics(RunningProcessor.SAGAS));

    // Starts go through either instance: entrypoints write to Kafka, never forward. Each saga is
    // driven to its end before the next starts, so no reply arrives after its step timed out.
    for (int i = 0; i < SAGAS; i++) {
      SagaFlows flows = new SagaFlows(i % 2 == 0 ? firstHttp : secondHttp, participants);
      String sagaId = flows.start("multi-" + i);
      if (i < COMPLETED) {
        flows.throughPivot(sagaId);
        flows.answer(sagaId, "book-shipment", "SUCCEEDED", shipment());
        flows.answer(sagaId, "send-confirmation", "SUCCEEDED", "{\"messageId\": \"m-1\"}");
        expected.put(sagaId, "COMPLETED");
      } else {
        // Refused before anything was done, so there is nothing to undo.
        flows.answer(sagaId, "reserve-inventory", "BUSINESS_FAILURE", "null");
        expected.put(sagaId, "COMPENSATED");
      }
    }
    SagaFlows flows = new SagaFlows(firstHttp, participants);
    // Terminal statuses: nothing (no timer) changes these sagas while the tests read them.
    expected.forEach(flows::awaitStatus);
  }

  private static ApiSettings guardedReads(RunningProcessor instance) {
    return instance
        .settings()
        .withPort(instance.apiPort)
        .withBearerToken(TOKEN)
        .withTokenOnReads(true);
  }

  @AfterAll
  void stop() {
    if (participants != null) {
      participants.close();
    }
    if (second != null) {
      second.close();
    }
    if (first != null) {
      first.close();
    }
  }

  @Test
  @Order(1)
  void shouldSpreadTheSagasOverBothInstances() throws Exception {
    try (Admin admin = first.kafka.admin()) {
      assertThat(
              admin
                  .describeTopics(List.of(SagaTopics.REQUESTS))
                  .allTopicNames()
                  .get()
                  .get(SagaTopics.REQUESTS)
                  .partitions())
          .hasSize(RunningProcessor.SAGA_TOPIC_PARTITIONS);
    }
    assertThat(expected.keySet().stream().map(this::owner).distinct())
        .containsExactlyInAnyOrder(first.address(), second.address());
  }

  @Test
  @Order(2)
  void shouldAnswerEverySagaFromBothInstancesNamingItsOwner() {
    for (Map.Entry<String, String> saga : expected.entrySet()) {
      HostInfo owner = owner(saga.getKey());
      for (Http instance : List.of(firstHttp, secondHttp)) {
        HttpResponse<String> response = instance.get("/sagas/" + saga.getKey());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode view = Http.json(response);
        assertThat(view.get("sagaId").asText()).isEqualTo(saga.getKey());
        assertThat(view.get("status").asText()).isEqualTo(saga.getValue());
        assertThat(view.at("/freshness/servedBy").asText()).isEqualTo("active");
        assertThat(view.at("/freshness/instance").asText())
            .isEqualTo(RunningProcessor.hostPort(owner));
      }
    }
  }

  @Test
  @Order(3)
  void shouldSearchTheUnionOfBothInstancesFromEither() {
    Set<String> completed = withStatus("COMPLETED");
    Set<String> compensated = withStatus("COMPENSATED");
    for (Http instance : List.of(firstHttp, secondHttp)) {
      // The topics are shared with earlier test classes, so other sagas may be listed too; ours
      // are owned by both instances (see above), so finding all of them needs both stores.
      List<String> all = searchAllPages(instance, "type=order-fulfilment&limit=7");
      assertThat(all).doesNotHaveDuplicates().containsAll(expected.keySet());

      assertThat(ours(searchAllPages(instance, "status=COMPLETED&limit=500")))
          .containsExactlyInAnyOrderElementsOf(completed);
      assertThat(ours(searchAllPages(instance, "status=COMPENSATED&limit=500")))
          .containsExactlyInAnyOrderElementsOf(compensated);
    }
  }

  private Set<String> withStatus(String status) {
    return expected.entrySet().stream()
        .filter(e -> e.getValue().equals(status))
        .map(Map.Entry::getKey)
        .collect(Collectors.toSet());
  }

  private List<String> ours(List<String> ids) {
    return ids.stream().filter(expected::containsKey).toList();
  }

  private static List<String> searchAllPages(Http instance, String query) {
    List<String> ids = new ArrayList<>();
    String cursor = null;
    do {
      String path =
          "/sagas?"
              + query
              + (cursor == null
                  ? ""
                  : "&cursor="
                      + java.net.URLEncoder.encode(
                          cursor, java.nio.charset.StandardCharsets.UTF_8));
      HttpResponse<String> response = instance.get(path);
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      JsonNode page = Http.json(response);
      page.get("items").forEach(item -> ids.add(item.get("sagaId").asText()));
      cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
    } while (cursor != null);
    return ids;
  }

  @Test
  @Order(4)
  void shouldAnswerForwardedReadsWithTheTokenAnd401WithoutIt() {
    String ownedByFirst = ownedBy(first.address());
    String ownedBySecond = ownedBy(second.address());

    // With the token, a read the receiving instance must forward reaches the owner and answers
    HttpResponse<String> forwarded = secondHttp.get("/sagas/" + ownedByFirst);
    assertThat(forwarded.statusCode()).as(forwarded.body()).isEqualTo(200);
    assertThat(Http.json(forwarded).at("/freshness/instance").asText())
        .isEqualTo(RunningProcessor.hostPort(first.address()));
    HttpResponse<String> letters = firstHttp.get("/sagas/" + ownedBySecond + "/dead-letters");
    assertThat(letters.statusCode()).as(letters.body()).isEqualTo(200);

    // Without it, neither instance answers any read, whoever owns the saga
    for (Http instance : List.of(firstAnonymous, secondAnonymous)) {
      for (String read :
          List.of(
              "/sagas/" + ownedByFirst,
              "/sagas/" + ownedBySecond,
              "/sagas/" + ownedByFirst + "/dead-letters",
              "/sagas?type=order-fulfilment")) {
        assertProblem(instance.get(read), 401, "unauthorized");
      }
    }
    // Nor does the forwarding marker stand in for the token
    assertProblem(
        firstAnonymous.get(
            "/sagas/" + ownedByFirst,
            Forwarder.HEADER,
            RunningProcessor.hostPort(second.address())),
        401,
        "unauthorized");
  }

  @Test
  @Order(5)
  void shouldNotForwardARequestThatWasAlreadyForwarded() {
    String sagaId = ownedBy(first.address());
    KeyQueryMetadata metadata = metadata(sagaId);
    // No standby replicas are configured, so the second instance has nothing of its own to show.
    assertThat(metadata.standbyHosts()).isEmpty();

    HttpResponse<String> response =
        secondHttp.get(
            "/sagas/" + sagaId, Forwarder.HEADER, RunningProcessor.hostPort(first.address()));

    // Forwarding again would have reached the owner and answered 200.
    String detail = assertProblem(response, 503, "store-unavailable");
    assertThat(detail)
        .contains(RunningProcessor.hostPort(first.address()))
        .contains("ownership is moving");
    assertThat(response.headers().firstValue("Retry-After")).contains("1");
  }

  @Test
  @Order(6)
  void shouldAnswer503WhilePartitionsMoveAndEverySagaLocallyOnceTheyHaveMoved() throws Exception {
    // Some of the sagas must move, or nothing below could fail.
    assertThat(ownedBy(second.address())).isNotNull();
    List<HttpResponse<String>> seen = Collections.synchronizedList(new ArrayList<>());
    AtomicBoolean polling = new AtomicBoolean(true);
    ExecutorService poller = Executors.newSingleThreadExecutor();
    Future<?> reads =
        poller.submit(
            () -> {
              while (polling.get()) {
                for (String sagaId : expected.keySet()) {
                  seen.add(firstHttp.get("/sagas/" + sagaId));
                }
              }
            });
    try {
      // When the second instance shuts down cleanly (HTTP first, then Kafka Streams)
      second.close();

      // Then, once the partitions have moved, the first answers every saga from its own store
      await()
          .atMost(Duration.ofSeconds(90))
          .untilAsserted(
              () -> {
                for (Map.Entry<String, String> saga : expected.entrySet()) {
                  HttpResponse<String> response = firstHttp.get("/sagas/" + saga.getKey());
                  assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
                  JsonNode view = Http.json(response);
                  assertThat(view.get("status").asText()).isEqualTo(saga.getValue());
                  assertThat(view.at("/freshness/instance").asText())
                      .isEqualTo(RunningProcessor.hostPort(first.address()));
                }
              });
    } finally {
      polling.set(false);
      poller.shutdown();
    }
    reads.get(30, TimeUnit.SECONDS);
    assertThat(poller.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

    assertThat(first.streams.state()).isEqualTo(KafkaStreams.State.RUNNING);
    assertThat(expected.keySet().stream().map(this::owner)).containsOnly(first.address());
    // And while they moved, every answer was the right saga or a retryable 503, never a 404
    assertThat(seen).hasSizeGreaterThanOrEqualTo(SAGAS);
    List<HttpResponse<String>> snapshot;
    synchronized (seen) {
      snapshot = List.copyOf(seen);
    }
    // Whether 503s were seen depends on timing; the count shows what the run exercised.
    System.out.printf(
        "MultiInstanceIT: %d reads during the move, %d answered 503%n",
        snapshot.size(), snapshot.stream().filter(r -> r.statusCode() == 503).count());
    for (HttpResponse<String> response : snapshot) {
      String sagaId = response.uri().getPath().substring("/sagas/".length());
      if (response.statusCode() == 200) {
        JsonNode view = Http.json(response);
        assertThat(view.get("sagaId").asText()).isEqualTo(sagaId);
        assertThat(view.get("status").asText()).isEqualTo(expected.get(sagaId));
      } else {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
        assertThat(response.headers().firstValue("Content-Type"))
            .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(Http.json(response).get("type").asText())
            .isIn(
                ApiProblem.TYPE_BASE + "store-unavailable",
                ApiProblem.TYPE_BASE + "owner-unreachable");
        assertThat(response.headers().firstValue("Retry-After")).isPresent();
      }
    }
  }

  private KeyQueryMetadata metadata(String sagaId) {
    return first.metadata(sagaId);
  }

  private HostInfo owner(String sagaId) {
    return metadata(sagaId).activeHost();
  }

  private String ownedBy(HostInfo host) {
    return expected.keySet().stream()
        .filter(id -> owner(id).equals(host))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no saga is owned by " + host));
  }

  private static String shipment() {
    return "{\"shipmentId\": \"s-1\", \"carrier\": \"DHL\", \"trackingNumber\": null}";
  }
}
