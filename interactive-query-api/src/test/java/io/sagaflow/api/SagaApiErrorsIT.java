package io.sagaflow.api;

import static io.sagaflow.api.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sagaflow.embedded.kafka.FreePorts;
import io.sagaflow.embedded.kafka.KafkaBrokerExtension;
import io.sagaflow.embedded.kafka.TestKafka;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every error answer of the API, each a complete problem document, plus the gates on the saga
 * entrypoints (the sagas flag, the bearer token), the bearer token on reads when configured, health
 * and metrics, against a running processor.
 */
@ExtendWith(KafkaBrokerExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SagaApiErrorsIT {
  private static final String START = "/sagas/order-fulfilment";
  private static final String TOKEN = "s3cret-token";

  private RunningProcessor processor;
  private Http open;
  private Http disabled;
  private Http guarded;
  private Http orphan;
  private int readsGuardedPort;

  @BeforeAll
  void startProcessor(TestKafka kafka) throws Exception {
    processor = new RunningProcessor(kafka);
    ApiSettings settings = processor.settings();
    // Reads locally (it carries the processor's application.server) but does not listen on that
    // port, so nothing answers there: a forward to the owner fails, as when the owner is down.
    open = new Http(processor.server(settings).port());
    orphan =
        new Http(
            processor
                .server(settings.withAdvertised(new HostInfo("127.0.0.1", FreePorts.pick())))
                .port());
    disabled = new Http(processor.server(settings.withSagasEnabled(false)).port());
    guarded = new Http(processor.server(settings.withBearerToken(TOKEN)).port());
    readsGuardedPort =
        processor.server(settings.withBearerToken(TOKEN).withTokenOnReads(true)).port();
  }

  @AfterAll
  void stop() {
    processor.close();
  }

  @Test
  void shouldAnswer404ForAnUnknownSaga() {
    String detail = assertProblem(open.get("/sagas/no-such-saga"), 404, "saga-not-found");
    assertThat(detail).contains("no-such-saga");
  }

  @Test
  void shouldAnswerAForwardedReadLocallyWithoutForwardingAgain() {
    HttpResponse<String> response =
        open.get("/sagas/no-such-saga", Forwarder.HEADER, "127.0.0.1:1");
    assertProblem(response, 404, "saga-not-found");
  }

  @Test
  void shouldAnswer503WithRetryAfterWhenTheOwnerDoesNotAnswer() {
    HttpResponse<String> response = orphan.get("/sagas/some-saga");

    String detail = assertProblem(response, 503, "owner-unreachable");
    assertThat(detail).contains("127.0.0.1:" + processor.apiPort);
    assertThat(response.headers().firstValue("Retry-After")).isPresent();
  }

  @Test
  void shouldRejectAnInvalidSagaIdInThePath() {
    String detail = assertProblem(open.get("/sagas/" + "x".repeat(200)), 400, "invalid-request");
    assertThat(detail).contains("sagaId");
    assertProblem(
        open.post("/sagas/bad%20id/cancel", "{\"reason\": \"r\"}"), 400, "invalid-request");
  }

  @Test
  void shouldAnswer404ForAnUnknownSagaTypeNamingTheKnownOnes() {
    String detail =
        assertProblem(
            open.post("/sagas/pizza", SagaFlows.ORDER.formatted("p")), 404, "unknown-saga-type");
    assertThat(detail).contains("pizza").contains("order-fulfilment");
  }

  @Test
  void shouldListEverythingWrongWithStartData() {
    String body =
        """
        {"orderId": "o-1", "customerEmail": 7, "lines": [{"sku": "a", "quantity": "two"}],
         "amount": "12.345", "currency": "EUR", "paymentToken": "t", "colour": "red",
         "shippingAddress": {"recipient": "A", "line1": "l", "city": "c", "postalCode": "p",
                             "countryCode": "GB"}}
        """;

    String detail = assertProblem(open.post(START, body), 400, "invalid-body");

    assertThat(detail)
        .contains("io.sagaflow.examples.order.OrderFulfilmentData")
        .contains("/customerId is required")
        .contains("/customerEmail expected a string")
        .contains("/lines/0/quantity expected an integer")
        .contains("/amount expected at most 2 decimal places")
        .contains("/colour is not a field");
  }

  @Test
  void shouldRejectMalformedJsonAndNonObjects() {
    assertProblem(open.post(START, "{\"orderId\": "), 400, "invalid-json");
    assertProblem(open.post(START, "[1, 2]"), 400, "invalid-request");
    assertProblem(open.post(START, ""), 400, "invalid-request");
  }

  @Test
  void shouldRejectABodyOverTheLimitWith413() {
    String big = "{\"reason\": \"" + "x".repeat((int) ApiSettings.DEFAULT_MAX_BODY_BYTES) + "\"}";

    String detail = assertProblem(open.post("/sagas/s-1/cancel", big), 413, "body-too-large");
    assertThat(detail).contains(Long.toString(ApiSettings.DEFAULT_MAX_BODY_BYTES));
  }

  @Test
  void shouldRejectBadHeadersOnStart() {
    assertProblem(
        open.post(START, SagaFlows.ORDER.formatted("h"), "Idempotency-Key", "k".repeat(201)),
        400,
        "invalid-request");
    String detail =
        assertProblem(
            open.post(START, SagaFlows.ORDER.formatted("h"), "traceparent", "not-a-trace"),
            400,
            "invalid-request");
    assertThat(detail).contains("traceparent");
  }

  @Test
  void shouldRejectInvalidOperatorActionsAndCancels() {
    String detail =
        assertProblem(
            open.post(
                "/sagas/s-1/operator",
                "{\"action\": \"REBOOT\", \"operator\": \"ops\", \"reason\": \"r\"}"),
            400,
            "invalid-body");
    assertThat(detail).contains("/action expected one of").contains("RETRY_STEP");
    assertProblem(open.post("/sagas/s-1/cancel", "{}"), 400, "invalid-body");
  }

  @Test
  void shouldRejectInvalidReplies() {
    String path = "/sagas/s-1/steps/reserve-inventory/reply";
    assertProblem(
        open.post(path, "{\"attempt\": 0, \"commandId\": \"c\", \"outcome\": \"SUCCEEDED\"}"),
        400,
        "invalid-request");
    assertProblem(
        open.post(path, "{\"attempt\": 1, \"outcome\": \"SUCCEEDED\"}"), 400, "invalid-request");
    assertProblem(
        open.post(path, "{\"attempt\": 1, \"commandId\": \"c\", \"outcome\": \"MAYBE\"}"),
        400,
        "invalid-request");
    String wrongResult =
        assertProblem(
            open.post(
                path,
                "{\"attempt\": 1, \"commandId\": \"c\", \"outcome\": \"SUCCEEDED\","
                    + " \"result\": {\"reservation\": \"r\"}}"),
            400,
            "invalid-body");
    assertThat(wrongResult).contains("InventoryReserved").contains("/reservationId is required");
    assertProblem(
        open.post(
            "/sagas/s-1/steps/no-such-step/reply",
            "{\"attempt\": 1, \"commandId\": \"c\", \"outcome\": \"SUCCEEDED\", \"result\": {}}"),
        400,
        "invalid-request");
  }

  @Test
  void shouldAnswer404ProblemForAnUnknownRoute() {
    String detail = assertProblem(open.get("/nowhere"), 404, "no-such-route");
    assertThat(detail).contains("/openapi.yaml");
  }

  @Test
  void shouldCloseEveryEntrypointWhenSagasAreDisabledButKeepReadsOpen() {
    String detail =
        assertProblem(disabled.post(START, SagaFlows.ORDER.formatted("d")), 503, "sagas-disabled");
    assertThat(detail).contains("SAGA_ENABLED");
    assertProblem(disabled.post("/sagas/s-1/cancel", "{\"reason\": \"r\"}"), 503, "sagas-disabled");
    assertProblem(disabled.post("/sagas/s-1/operator", "{}"), 503, "sagas-disabled");
    assertProblem(
        disabled.post("/sagas/s-1/steps/reserve-inventory/reply", "{}"), 503, "sagas-disabled");
    assertProblem(disabled.get("/sagas/no-such-saga"), 404, "saga-not-found");
    assertThat(disabled.get("/sagas?limit=1").statusCode()).isEqualTo(200);
    assertThat(disabled.get("/sagas/s-1/dead-letters").statusCode()).isEqualTo(200);

    HttpResponse<String> ready = disabled.get("/health/ready");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(Http.json(ready).get("sagasEnabled").asBoolean()).isFalse();
  }

  @Test
  void shouldRequireTheBearerTokenOnEntrypointsOnly() {
    HttpResponse<String> missing = guarded.post(START, SagaFlows.ORDER.formatted("t"));
    assertProblem(missing, 401, "unauthorized");
    assertThat(missing.headers().firstValue("WWW-Authenticate")).contains("Bearer");
    assertProblem(
        guarded.post("/sagas/s-1/cancel", "{\"reason\": \"r\"}", "Authorization", "Bearer wrong"),
        401,
        "unauthorized");
    assertProblem(guarded.get("/sagas/no-such-saga"), 404, "saga-not-found");
    assertThat(guarded.get("/sagas?status=RUNNING").statusCode()).isEqualTo(200);
    assertThat(guarded.get("/sagas/s-1/dead-letters").statusCode()).isEqualTo(200);

    HttpResponse<String> allowed =
        guarded.post(START, SagaFlows.ORDER.formatted("t"), "Authorization", "Bearer " + TOKEN);
    assertThat(allowed.statusCode()).as(allowed.body()).isEqualTo(202);
  }

  @Test
  void shouldRequireTheBearerTokenOnReadsWhenConfigured() {
    Http withToken = new Http(readsGuardedPort, "Authorization", "Bearer " + TOKEN);
    Http anonymous = new Http(readsGuardedPort);
    Http wrongToken = new Http(readsGuardedPort, "Authorization", "Bearer " + TOKEN + "x");
    String sagaId = new SagaFlows(withToken, null).start("reads-guarded");
    String status = "/sagas/" + sagaId;

    // With the token, the saga reads as on an open server
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              HttpResponse<String> read = withToken.get(status);
              assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
              assertThat(Http.json(read).get("sagaId").asText()).isEqualTo(sagaId);
            });
    HttpResponse<String> search = withToken.get("/sagas?type=order-fulfilment&limit=500");
    assertThat(search.statusCode()).as(search.body()).isEqualTo(200);
    HttpResponse<String> letters = withToken.get(status + "/dead-letters");
    assertThat(letters.statusCode()).as(letters.body()).isEqualTo(200);
    assertThat(Http.json(letters).get("sagaId").asText()).isEqualTo(sagaId);

    // Without it, or with another, every read route answers 401 and reveals nothing of the saga
    for (String read : List.of(status, status + "/dead-letters", "/sagas?limit=1")) {
      HttpResponse<String> missing = anonymous.get(read);
      assertThat(assertProblem(missing, 401, "unauthorized")).doesNotContain(sagaId);
      assertThat(missing.headers().firstValue("WWW-Authenticate")).contains("Bearer");
      assertProblem(wrongToken.get(read), 401, "unauthorized");
    }
    // The server without the setting still reads openly
    assertThat(guarded.get(status).statusCode()).isEqualTo(200);
  }

  @Test
  void shouldBeLiveAndReadyAndExportMetrics() {
    assertThat(open.get("/health/live").statusCode()).isEqualTo(200);
    HttpResponse<String> ready = open.get("/health/ready");
    assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
    assertThat(Http.json(ready).get("streamsState").asText()).isEqualTo("RUNNING");

    processor.counters.increment("input.APPLIED");
    HttpResponse<String> metrics = open.get("/metrics");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body())
        .contains("kafka_stream_")
        .contains("sagaflow_input_total{kind=\"APPLIED\"}");
  }

  /** Asserts a 400 for {@code query} whose detail names {@code parameter} and says {@code what}. */
  private void assertSearchRejected(String query, String parameter, String what) {
    String detail = assertProblem(open.get("/sagas?" + query), 400, "invalid-request");
    assertThat(detail).as(query).contains("'" + parameter + "'").contains(what);
  }

  @Test
  void shouldRejectEveryInvalidSearchParameterNamingItAndWhatItAccepts() {
    assertSearchRejected("status=DONE", "status", "RUNNING, COMPENSATING, COMPLETED");
    assertSearchRejected("type=a%20b", "type", "letters, digits");
    assertSearchRejected("stuckFor=15m", "stuckFor", "ISO-8601 duration");
    assertSearchRejected("stuckFor=PT15M&status=RUNNING", "stuckFor", "status=RUNNING");
    assertSearchRejected("createdAfter=yesterday", "createdAfter", "ISO-8601 instant");
    assertSearchRejected("limit=0", "limit", "from 1 to 500");
    assertSearchRejected("limit=501", "limit", "from 1 to 500");
    assertSearchRejected("cursor=%21%21", "cursor", "malformed");
    assertSearchRejected("orderBy=createdAt", "orderBy", "accepts status, type");
    assertSearchRejected("startedAfter=2026-11-25T10:00:00Z", "startedAfter", "createdAfter");
    assertSearchRejected("status=RUNNING&status=STUCK", "status", "given once");

    SearchQuery running =
        SearchQuery.parse(java.util.Map.of("status", java.util.List.of("RUNNING")));
    String cursor = new SearchCursor(java.time.Instant.EPOCH, "s-1", running.filterHash()).encode();
    assertThat(open.get("/sagas?status=RUNNING&cursor=" + cursor).statusCode()).isEqualTo(200);
    assertSearchRejected("status=STUCK&cursor=" + cursor, "cursor", "other filters");
    String tampered =
        cursor.substring(0, cursor.length() - 2) + (cursor.endsWith("A") ? "BB" : "AA");
    assertSearchRejected("status=RUNNING&cursor=" + tampered, "cursor", "edited");
  }

  @Test
  void shouldRejectAnInvalidSagaIdOfDeadLetters() {
    String detail =
        assertProblem(
            open.get("/sagas/" + "x".repeat(200) + "/dead-letters"), 400, "invalid-request");
    assertThat(detail).contains("sagaId");
  }

  @Test
  void shouldAnswerSearchAndDeadLettersWith503WhenAnInstanceDoesNotAnswer() {
    // The orphan is not in the metadata, so it must ask the owner, which nobody serves here
    HttpResponse<String> search = orphan.get("/sagas?status=RUNNING");
    HttpResponse<String> letters = orphan.get("/sagas/s-1/dead-letters");

    assertThat(assertProblem(search, 503, "owner-unreachable"))
        .contains("127.0.0.1:" + processor.apiPort);
    assertThat(search.headers().firstValue("Retry-After")).isPresent();
    assertProblem(letters, 503, "owner-unreachable");
    assertThat(letters.headers().firstValue("Retry-After")).isPresent();
  }
}
