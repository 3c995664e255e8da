package io.sagaflow.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Test moves over HTTP: start an order, read its status, answer its commands by callback. */
final class SagaFlows {
  static final String ORDER =
      """
      {"orderId": "o-%s", "customerId": "c-1", "customerEmail": "ada@example.org",
       "shippingAddress": {"recipient": "Ada Lovelace", "line1": "1 Analytical St",
                           "city": "London", "postalCode": "N1", "countryCode": "GB"},
       "lines": [{"sku": "sku-1", "quantity": 2}],
       "amount": "42.50", "currency": "EUR", "paymentToken": "tok_secret"}
      """;

  private final Http http;
  private final Participants participants;
  private final String[] auth;

  SagaFlows(Http http, Participants participants, String... auth) {
    this.http = http;
    this.participants = participants;
    this.auth = auth;
  }

  HttpResponse<String> postStart(String orderId, String... headers) {
    return http.post("/sagas/order-fulfilment", ORDER.formatted(orderId), concat(headers));
  }

  /** Starts an order and returns its saga id. */
  String start(String orderId, String... headers) {
    HttpResponse<String> response = postStart(orderId, headers);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    return Http.json(response).get("sagaId").asText();
  }

  JsonNode status(String sagaId) {
    HttpResponse<String> response = http.get("/sagas/" + sagaId);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return Http.json(response);
  }

  /** Waits until the saga exists and has {@code status}; returns its view. */
  JsonNode awaitStatus(String sagaId, String status) {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              HttpResponse<String> r = http.get("/sagas/" + sagaId);
              return r.statusCode() == 200 && Http.json(r).get("status").asText().equals(status);
            });
    return status(sagaId);
  }

  JsonNode step(JsonNode view, String name) {
    for (JsonNode step : view.get("steps")) {
      if (step.get("name").asText().equals(name)) {
        return step;
      }
    }
    throw new AssertionError("no step " + name + " in " + view);
  }

  /** Answers the action of {@code step} (attempt 1) with {@code outcome} and a result JSON. */
  void answer(String sagaId, String step, String outcome, String result) {
    answer(sagaId, participants.command(sagaId, step, "ACTION", 1), outcome, result);
  }

  void answer(String sagaId, Participants.Command command, String outcome, String result) {
    String body =
        """
        {"attempt": %d, "commandId": "%s", "outcome": "%s", "errorCode": %s, "result": %s}
        """
            .formatted(
                command.attempt(),
                command.commandId(),
                outcome,
                outcome.equals("SUCCEEDED") ? "null" : "\"DECLINED\"",
                result);
    HttpResponse<String> response =
        http.post("/sagas/" + sagaId + "/steps/" + command.step() + "/reply", body, auth);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
  }

  /** Drives a saga through reserve, authorize and capture: past the pivot. */
  void throughPivot(String sagaId) {
    answer(sagaId, "reserve-inventory", "SUCCEEDED", "{\"reservationId\": \"r-1\"}");
    answer(
        sagaId,
        "authorize-payment",
        "SUCCEEDED",
        "{\"authorizationId\": \"a-1\", \"authorizedAmount\": \"42.50\", \"currency\": \"EUR\"}");
    answer(sagaId, "capture-payment", "SUCCEEDED", "{\"captureId\": \"cap-1\"}");
  }

  private String[] concat(String... headers) {
    String[] all = new String[auth.length + headers.length];
    System.arraycopy(auth, 0, all, 0, auth.length);
    System.arraycopy(headers, 0, all, auth.length, headers.length);
    return all;
  }
}
