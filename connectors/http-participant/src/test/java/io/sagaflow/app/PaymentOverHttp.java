package io.sagaflow.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The order saga's payment service over HTTP, for the test: {@code authorize-payment} is a
 * compensatable step after {@code reserve-inventory}, so a business failure answered over HTTP
 * there makes the saga release the stock it reserved. An order whose id contains {@code declined}
 * is refused with 422 and the code {@code CARD_DECLINED}; one whose id contains {@code later} is
 * accepted with 202 and answered later, by whoever holds its {@link Deferred} answer, through the
 * API's callback route.
 */
final class PaymentOverHttp implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final ExecutorService threads = Executors.newFixedThreadPool(2);
  private final List<String> declined = new CopyOnWriteArrayList<>();
  private final List<String> captured = new CopyOnWriteArrayList<>();
  private final List<Deferred> deferred = new CopyOnWriteArrayList<>();

  /**
   * An authorization accepted with 202: what the callback must carry (the command's CloudEvents
   * headers) and the result it will report.
   *
   * @param sagaId {@code ce-subject}
   * @param step {@code ce-sagastep}
   * @param attempt {@code ce-sagaattempt}
   * @param commandId {@code ce-id}
   * @param result the {@code PaymentAuthorized} as JSON
   */
  record Deferred(String sagaId, String step, int attempt, String commandId, String result) {}

  private PaymentOverHttp(HttpServer server) {
    this.server = server;
  }

  static PaymentOverHttp start() throws IOException {
    PaymentOverHttp service =
        new PaymentOverHttp(
            HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16));
    service.server.createContext("/authorizations", service::authorize);
    service.server.createContext("/captures", service::capture);
    service.server.createContext("/voids", service::voidAuthorization);
    service.server.setExecutor(service.threads);
    service.server.start();
    return service;
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  /** Orders whose authorization was declined. */
  List<String> declined() {
    return List.copyOf(declined);
  }

  /** Authorizations accepted with 202, not answered yet by this service. */
  List<Deferred> deferred() {
    return List.copyOf(deferred);
  }

  private void authorize(HttpExchange exchange) throws IOException {
    JsonNode command = JSON.readTree(exchange.getRequestBody());
    String orderId = command.path("orderId").asText();
    if (orderId.contains("declined")) {
      declined.add(orderId);
      answer(
          exchange,
          422,
          "application/problem+json",
          "{\"title\":\"card declined\",\"status\":422,\"code\":\"CARD_DECLINED\"}");
      return;
    }
    ObjectNode result = JSON.createObjectNode();
    result.put("authorizationId", "auth-" + orderId);
    // Echoes the decimal amount: it travels Avro -> JSON -> Avro with its scale intact.
    result.set("authorizedAmount", command.path("amount"));
    result.put("currency", command.path("currency").asText());
    if (orderId.contains("later")) {
      var headers = exchange.getRequestHeaders();
      deferred.add(
          new Deferred(
              headers.getFirst("ce-subject"),
              headers.getFirst("ce-sagastep"),
              Integer.parseInt(headers.getFirst("ce-sagaattempt")),
              headers.getFirst("ce-id"),
              result.toString()));
      exchange.sendResponseHeaders(202, -1);
      exchange.close();
      return;
    }
    answer(exchange, 200, "application/json", result.toString());
  }

  /** Orders whose payment was captured: past the pivot, they can no longer compensate. */
  List<String> captured() {
    return List.copyOf(captured);
  }

  private void capture(HttpExchange exchange) throws IOException {
    String orderId = JSON.readTree(exchange.getRequestBody()).path("orderId").asText();
    captured.add(orderId);
    answer(exchange, 200, "application/json", "{\"captureId\":\"cap-" + orderId + "\"}");
  }

  private void voidAuthorization(HttpExchange exchange) throws IOException {
    exchange.getRequestBody().readAllBytes();
    exchange.sendResponseHeaders(204, -1);
    exchange.close();
  }

  private static void answer(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
