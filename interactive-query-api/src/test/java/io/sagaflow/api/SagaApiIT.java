package io.sagaflow.api;

import static io.sagaflow.api.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sagaflow.embedded.kafka.KafkaBrokerExtension;
import io.sagaflow.embedded.kafka.TestKafka;
import io.sagaflow.topology.SagaTopics;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Sagas started, observed and steered over real HTTP against a running processor of the example
 * saga on the embedded broker; participants answer through the callback route.
 */
@ExtendWith(KafkaBrokerExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SagaApiIT {
  private RunningProcessor processor;
  private Participants participants;
  private Http http;
  private SagaFlows flows;
  private Http elsewhere;

  @BeforeAll
  void startProcessor(TestKafka kafka) throws Exception {
    processor = new RunningProcessor(kafka);
    SagaApiServer server = processor.server(processor.settings().withPort(processor.apiPort));
    List<String> topics = new ArrayList<>(SagaTopics.commandTopics(RunningProcessor.SAGAS));
    participants = new Participants(kafka, topics);
    http = new Http(server.port());
    flows = new SagaFlows(http, participants);
    // A server that believes it is another instance: the processor's metadata names the first
    // server as owner of every saga, so this one must forward.
    elsewhere = new Http(processor.serverElsewhere().port());
  }

  @AfterAll
  void stop() {
    participants.close();
    processor.close();
  }

  @Test
  void shouldAnswerARetriedStartWithTheSameSagaAndNeverStartASecond() {
    HttpResponse<String> first = flows.postStart("idem", "Idempotency-Key", "order-idem");
    HttpResponse<String> retry = flows.postStart("idem", "Idempotency-Key", "order-idem");

    String sagaId = Http.json(first).get("sagaId").asText();
    assertThat(first.statusCode()).isEqualTo(202);
    assertThat(first.headers().firstValue("Location")).contains("/sagas/" + sagaId);
    assertThat(Http.json(first).get("statusUrl").asText()).isEqualTo("/sagas/" + sagaId);
    assertThat(Http.json(retry).get("sagaId").asText()).isEqualTo(sagaId);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> processor.counters.get("input.DUPLICATE") >= 1);
    JsonNode view = flows.awaitStatus(sagaId, "RUNNING");
    assertThat(view.get("history")).hasSize(1);
    participants.command(sagaId, "reserve-inventory", "ACTION", 1);
    assertThat(participants.of(sagaId))
        .as("one saga, so one reserve command")
        .extracting(Participants.Command::step)
        .containsExactly("reserve-inventory");
  }

  @Test
  void shouldRefuseAKeyReusedWithOtherDataOnServersThatDidNotAcceptTheFirstStart() {
    String key = "order-reused";
    String sagaId = flows.start("reused-a", "Idempotency-Key", key);
    flows.awaitStatus(sagaId, "RUNNING");
    // Neither remembers the first start, as after a restart or on another instance: one reads the
    // saga from its own store, the other asks the owner over HTTP.
    Http local = new Http(processor.server(processor.settings()).port());

    for (Http other : List.of(local, elsewhere)) {
      HttpResponse<String> reused =
          other.post(
              "/sagas/order-fulfilment",
              SagaFlows.ORDER.formatted("reused-b"),
              "Idempotency-Key",
              key);
      HttpResponse<String> retried =
          other.post(
              "/sagas/order-fulfilment",
              SagaFlows.ORDER.formatted("reused-a"),
              "Idempotency-Key",
              key);

      assertThat(assertProblem(reused, 422, "idempotency-key-reused"))
          .contains(sagaId)
          .contains("stored data differs");
      assertThat(retried.statusCode()).as(retried.body()).isEqualTo(202);
      assertThat(Http.json(retried).get("sagaId").asText()).isEqualTo(sagaId);
    }
    assertThat(flows.status(sagaId).get("data").get("orderId").asText()).isEqualTo("o-reused-a");
  }

  @Test
  void shouldStartASagaFromTheDataTheStatusRouteAnswersForAnother() throws Exception {
    // Given a saga started with its amount as a decimal string, and its data as the status shows
    String first = flows.start("shape-a");
    flows.awaitStatus(first, "RUNNING");
    HttpResponse<String> shown = http.get("/sagas/" + first);
    assertThat(shown.body()).contains("\"amount\":42.50");
    // Read exactly as sent, the way a client that keeps decimals does
    ObjectMapper exact =
        new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    ObjectNode data = (ObjectNode) exact.readTree(shown.body()).get("data");
    assertThat(data.get("amount").isNumber()).isTrue();

    // When that JSON starts another saga, the fields the status masks given again
    ObjectNode again = data.deepCopy();
    again.put("orderId", "o-shape-b");
    again.put("customerEmail", "ada@example.org");
    again.put("paymentToken", "tok_secret");
    again.set(
        "shippingAddress",
        exact.readTree(
            "{\"recipient\": \"Ada Lovelace\", \"line1\": \"1 Analytical St\", \"city\":"
                + " \"London\", \"postalCode\": \"N1\", \"countryCode\": \"GB\"}"));
    HttpResponse<String> started =
        http.post("/sagas/order-fulfilment", exact.writeValueAsString(again));

    // Then it is accepted, and its status shows the same values in the same shapes
    assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
    String second = Http.json(started).get("sagaId").asText();
    flows.awaitStatus(second, "RUNNING");
    ObjectNode shownAgain =
        (ObjectNode) exact.readTree(http.get("/sagas/" + second).body()).get("data");
    assertThat(shownAgain.remove("orderId").asText()).isEqualTo("o-shape-b");
    data.remove("orderId");
    assertThat(shownAgain).isEqualTo(data);
  }

  @Test
  void shouldStartANewSagaForEveryStartWithoutAKey() {
    String one = flows.start("nokey");
    String two = flows.start("nokey");

    assertThat(one).isNotEqualTo(two);
    flows.awaitStatus(one, "RUNNING");
    flows.awaitStatus(two, "RUNNING");
  }

  @Test
  void shouldShowTheSagaMovingThroughItsStepsWithItsDataRedacted() {
    String trace = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    String sagaId = flows.start("flow", "traceparent", trace);
    JsonNode running = flows.awaitStatus(sagaId, "RUNNING");
    assertThat(running.get("sagaType").asText()).isEqualTo("order-fulfilment");
    assertThat(running.get("definitionVersion").asInt()).isEqualTo(1);
    assertThat(running.get("currentSteps").toString()).contains("reserve-inventory");
    assertThat(flows.step(running, "reserve-inventory").get("status").asText())
        .isEqualTo("AWAITING_REPLY");
    assertThat(running.at("/data/customerEmail").asText()).isEqualTo("***");
    assertThat(running.at("/data/paymentToken").asText()).isEqualTo("***");
    assertThat(running.at("/data/orderId").asText()).isEqualTo("o-flow");
    assertThat(running.get("traceparent").asText()).isEqualTo(trace);
    assertThat(running.at("/freshness/servedBy").asText()).isEqualTo("active");
    assertThat(running.at("/freshness/lag").asLong()).isZero();

    flows.throughPivot(sagaId);
    flows.answer(sagaId, "book-shipment", "SUCCEEDED", shipment());
    flows.answer(sagaId, "send-confirmation", "SUCCEEDED", "{\"messageId\": \"m-1\"}");

    JsonNode done = flows.awaitStatus(sagaId, "COMPLETED");
    assertThat(done.get("steps"))
        .allSatisfy(s -> assertThat(s.get("status").asText()).isEqualTo("SUCCEEDED"));
    assertThat(flows.step(done, "reserve-inventory").get("attempt").asInt()).isEqualTo(1);
    assertThat(flows.step(done, "reserve-inventory").get("finishedAt").isTextual()).isTrue();
    assertThat(done.at("/data/captureId").asText()).isEqualTo("cap-1");
    assertThat(done.at("/data/shipmentId").asText()).isEqualTo("s-1");
    assertThat(done.get("history").toString()).contains("COMPLETED");
  }

  @Test
  void shouldCancelARunningSagaAndCompensate() {
    String sagaId = flows.start("cancel");
    flows.answer(sagaId, "reserve-inventory", "SUCCEEDED", "{\"reservationId\": \"r-9\"}");
    participants.command(sagaId, "authorize-payment", "ACTION", 1);

    HttpResponse<String> cancel =
        http.post("/sagas/" + sagaId + "/cancel", "{\"reason\": \"customer changed mind\"}");

    assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(202);
    flows.awaitStatus(sagaId, "COMPENSATING");
    // The in-flight authorization is waited for; a refusal had no effect, so it is not undone.
    flows.answer(sagaId, "authorize-payment", "BUSINESS_FAILURE", "null");
    flows.answer(
        sagaId,
        participants.command(sagaId, "reserve-inventory", "COMPENSATION", 1),
        "SUCCEEDED",
        "null");
    JsonNode compensated = flows.awaitStatus(sagaId, "COMPENSATED");
    assertThat(compensated.get("history").toString()).contains("customer changed mind");
    assertThat(flows.step(compensated, "reserve-inventory").get("status").asText())
        .isEqualTo("COMPENSATED");
  }

  @Test
  void shouldLetAnOperatorSkipTheStepThatParkedAStuckSaga() {
    String sagaId = flows.start("stuck");
    flows.throughPivot(sagaId);
    flows.answer(sagaId, "book-shipment", "BUSINESS_FAILURE", "null");
    JsonNode stuck = flows.awaitStatus(sagaId, "STUCK");
    assertThat(flows.step(stuck, "book-shipment").at("/lastError/code").asText())
        .isEqualTo("DECLINED");

    HttpResponse<String> skip =
        http.post(
            "/sagas/" + sagaId + "/operator",
            """
            {"action": "SKIP_STEP", "step": "book-shipment", "operator": "ops@example.org",
             "reason": "shipped by hand"}
            """);

    assertThat(skip.statusCode()).as(skip.body()).isEqualTo(202);
    flows.answer(sagaId, "send-confirmation", "SUCCEEDED", "{\"messageId\": \"m-2\"}");
    JsonNode done = flows.awaitStatus(sagaId, "COMPLETED");
    assertThat(flows.step(done, "book-shipment").get("status").asText()).isEqualTo("SKIPPED");
  }

  @Test
  void shouldForwardAReadToTheOwningInstanceOnce() {
    String sagaId = flows.start("forward");
    flows.awaitStatus(sagaId, "RUNNING");

    HttpResponse<String> forwarded = elsewhere.get("/sagas/" + sagaId);

    assertThat(forwarded.statusCode()).as(forwarded.body()).isEqualTo(200);
    assertThat(Http.json(forwarded).at("/freshness/instance").asText())
        .isEqualTo("127.0.0.1:" + processor.apiPort);
    Problems.assertProblem(elsewhere.get("/sagas/never-started"), 404, "saga-not-found");
  }

  private static String shipment() {
    return "{\"shipmentId\": \"s-1\", \"carrier\": \"DHL\", \"trackingNumber\": null}";
  }
}
