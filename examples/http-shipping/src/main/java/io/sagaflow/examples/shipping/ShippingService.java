package io.sagaflow.examples.shipping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The shipping service: {@code POST /shipments} books the shipment of one {@code BookShipment}
 * command, sent as JSON by the HTTP participant connector with the CloudEvents headers.
 *
 * <p>Connect delivers at least once, so the same command may arrive twice with the same {@code
 * ce-id}: the answer given to a command id is kept and sent again, without booking twice. A new
 * attempt of the step has a new command id; the carrier booking is keyed by order id, so it still
 * books once. See docs/connectors.md for the answers and what the connector makes of them.
 */
public final class ShippingService implements AutoCloseable {
  /** The path commands are posted to. */
  public static final String PATH = "/shipments";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int REMEMBERED_ANSWERS = 10_000;

  private final Carrier carrier;
  private final Optional<String> token;
  private final HttpServer server;
  private final ExecutorService threads = Executors.newFixedThreadPool(4);
  private final Map<String, Answer> answers =
      new LinkedHashMap<>() {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Answer> eldest) {
          return size() > REMEMBERED_ANSWERS;
        }
      };
  private final Map<String, Carrier.Booking> bookings = new LinkedHashMap<>();
  private final List<Received> received = new ArrayList<>();
  // A booking holds its order's lock while the carrier works: a redelivered command, or another
  // command for the same order, waits for it; other orders go on in parallel.
  private final Object[] orderLocks = new Object[64];

  private ShippingService(Carrier carrier, Optional<String> token, InetSocketAddress address)
      throws IOException {
    this.carrier = carrier;
    this.token = token;
    Arrays.setAll(orderLocks, i -> new Object());
    // The JDK server delays small responses by about 40 ms (Nagle) unless told otherwise; read
    // once, when the first server is created.
    System.setProperty("sun.net.httpserver.nodelay", "true");
    this.server = HttpServer.create(address, 64);
    server.createContext(PATH, this::handle);
    server.setExecutor(threads);
  }

  /**
   * Starts serving on {@code address} (port 0 picks a free one) with {@code carrier}; with a {@code
   * token}, requests must carry {@code Authorization: Bearer <token>}.
   */
  public static ShippingService start(
      Carrier carrier, Optional<String> token, InetSocketAddress address) throws IOException {
    ShippingService service = new ShippingService(carrier, token, address);
    service.server.start();
    return service;
  }

  /** The address served, with the port actually bound. */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  /** Every command request received, in order, redeliveries included. */
  public List<Received> received() {
    synchronized (received) {
      return List.copyOf(received);
    }
  }

  /** Shipments booked, by order id: one per order however often it was asked. */
  public Map<String, Carrier.Booking> bookings() {
    synchronized (bookings) {
      return Map.copyOf(bookings);
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      Answer answer = answer(exchange);
      byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", answer.contentType());
      exchange.sendResponseHeaders(answer.status(), body.length == 0 ? -1 : body.length);
      if (body.length > 0) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
    }
  }

  private Answer answer(HttpExchange exchange) throws IOException {
    if (!"POST".equals(exchange.getRequestMethod())) {
      return problem(405, "method-not-allowed", "Only POST books a shipment", Optional.empty());
    }
    if (token.isPresent()
        && !("Bearer " + token.get())
            .equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
      return problem(401, "unauthorized", "A valid bearer token is required", Optional.empty());
    }
    String commandId = exchange.getRequestHeaders().getFirst("ce-id");
    if (commandId == null || !isUuid(commandId)) {
      return problem(
          400, "invalid-request", "The ce-id header must hold the command id", Optional.empty());
    }
    JsonNode command;
    try (InputStream in = exchange.getRequestBody()) {
      command = JSON.readTree(in);
    } catch (IOException e) {
      return problem(400, "invalid-json", "The body is not JSON", Optional.empty());
    }
    String orderId = command == null ? "" : command.path("orderId").asText("");
    if (orderId.isEmpty()) {
      return problem(400, "invalid-request", "The command has no orderId", Optional.empty());
    }
    return book(commandId, orderId, command.path("shippingAddress"));
  }

  private Answer book(String commandId, String orderId, JsonNode address) {
    synchronized (received) {
      received.add(new Received(commandId, orderId));
    }
    synchronized (orderLocks[Math.floorMod(orderId.hashCode(), orderLocks.length)]) {
      synchronized (answers) {
        Answer known = answers.get(commandId);
        if (known != null) {
          return known;
        }
      }
      Answer answer;
      try {
        Carrier.Booking booking;
        synchronized (bookings) {
          booking = bookings.get(orderId);
        }
        if (booking == null) {
          booking = carrier.book(orderId, address);
          synchronized (bookings) {
            bookings.put(orderId, booking);
          }
        }
        ObjectNode result = JSON.createObjectNode();
        result.put("shipmentId", booking.shipmentId());
        result.put("carrier", booking.carrier());
        result.put("trackingNumber", booking.trackingNumber());
        answer = new Answer(201, "application/json", result.toString());
      } catch (Carrier.DestinationNotServedException e) {
        answer =
            problem(
                422,
                "destination-not-served",
                e.getMessage(),
                Optional.of("DESTINATION_NOT_SERVED"));
      } catch (Carrier.CarrierUnavailableException e) {
        // Not remembered: the next delivery of this command should try the carrier again.
        return problem(503, "carrier-unavailable", e.getMessage(), Optional.empty());
      }
      synchronized (answers) {
        answers.put(commandId, answer);
      }
      return answer;
    }
  }

  private static Answer problem(int status, String type, String detail, Optional<String> code) {
    ObjectNode body = JSON.createObjectNode();
    body.put("type", "https://sagaflow.io/problems/shipping/" + type);
    body.put("title", type.replace('-', ' '));
    body.put("status", status);
    body.put("detail", detail);
    code.ifPresent(c -> body.put("code", c));
    return new Answer(status, "application/problem+json", body.toString());
  }

  private static boolean isUuid(String text) {
    try {
      UUID.fromString(text);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** Stops at once; requests in flight are cut off. */
  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }

  /**
   * One request received.
   *
   * @param commandId its {@code ce-id}
   * @param orderId the order it asked to ship
   */
  public record Received(String commandId, String orderId) {}

  private record Answer(int status, String contentType, String body) {}

  /**
   * Runs the service on {@code PORT} (default 8085) with SimPost; {@code SHIPPING_TOKEN}, when set,
   * is the bearer token required.
   */
  public static void main(String[] args) throws IOException {
    int port = Integer.parseInt(Optional.ofNullable(System.getenv("PORT")).orElse("8085"));
    ShippingService service =
        start(
            SimPost.europe(),
            Optional.ofNullable(System.getenv("SHIPPING_TOKEN")).filter(t -> !t.isBlank()),
            new InetSocketAddress(port));
    Runtime.getRuntime().addShutdownHook(new Thread(service::close, "shipping-stop"));
    System.out.println("Shipping service listening on " + service.address() + PATH);
  }
}
