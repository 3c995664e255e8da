package io.sagaflow.examples.shipping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ShippingServiceTest {
  private static final String ADDRESS =
      "{\"recipient\":\"Ann\",\"line1\":\"1 High St\",\"city\":\"Leeds\","
          + "\"postalCode\":\"LS1\",\"countryCode\":\"%s\"}";

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void shouldAnswerARedeliveredCommandIdAsBeforeWithoutBookingAgain() throws Exception {
    AtomicInteger bookings = new AtomicInteger();
    Carrier counting =
        (orderId, address) -> {
          bookings.incrementAndGet();
          return SimPost.europe().book(orderId, address);
        };
    try (ShippingService service = start(counting)) {
      String commandId = UUID.randomUUID().toString();

      HttpResponse<String> first = post(service, commandId, "order-1", "GB");
      HttpResponse<String> again = post(service, commandId, "order-1", "GB");

      assertThat(first.statusCode()).isEqualTo(201);
      assertThat(again.statusCode()).isEqualTo(201);
      assertThat(again.body()).isEqualTo(first.body());
      assertThat(bookings).hasValue(1);
      assertThat(service.received()).hasSize(2);
    }
  }

  @Test
  void shouldBookOncePerOrderAcrossAttempts() throws Exception {
    try (ShippingService service = start(SimPost.europe())) {
      HttpResponse<String> first = post(service, UUID.randomUUID().toString(), "order-2", "GB");
      HttpResponse<String> second = post(service, UUID.randomUUID().toString(), "order-2", "GB");

      assertThat(second.body()).isEqualTo(first.body());
      assertThat(service.bookings()).hasSize(1);
    }
  }

  @Test
  void shouldRefuseAnUnservedDestinationWithAProblemAndItsCode() throws Exception {
    try (ShippingService service = start(SimPost.europe())) {
      HttpResponse<String> answer = post(service, UUID.randomUUID().toString(), "order-3", "AQ");

      assertThat(answer.statusCode()).isEqualTo(422);
      assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/problem+json");
      JsonNode problem = new com.fasterxml.jackson.databind.ObjectMapper().readTree(answer.body());
      assertThat(problem.path("code").asText()).isEqualTo("DESTINATION_NOT_SERVED");
    }
  }

  @Test
  void shouldAnswer503WhileTheCarrierIsDownAndBookWhenAskedAgain() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    Carrier flaky =
        (orderId, address) -> {
          if (calls.incrementAndGet() == 1) {
            throw new Carrier.CarrierUnavailableException("down");
          }
          return SimPost.europe().book(orderId, address);
        };
    try (ShippingService service = start(flaky)) {
      String commandId = UUID.randomUUID().toString();

      assertThat(post(service, commandId, "order-4", "GB").statusCode()).isEqualTo(503);
      assertThat(post(service, commandId, "order-4", "GB").statusCode()).isEqualTo(201);
    }
  }

  @Test
  void shouldBookOtherOrdersWhileOneWaitsOnTheCarrierAndAnswerItsRedeliveryOnce() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger slowBookings = new AtomicInteger();
    Carrier slowForOneOrder =
        (orderId, address) -> {
          if (orderId.equals("order-slow")) {
            slowBookings.incrementAndGet();
            entered.countDown();
            try {
              if (!release.await(30, TimeUnit.SECONDS)) {
                throw new Carrier.CarrierUnavailableException("never released");
              }
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              throw new Carrier.CarrierUnavailableException("interrupted");
            }
          }
          return SimPost.europe().book(orderId, address);
        };
    try (ShippingService service = start(slowForOneOrder)) {
      String slowCommand = UUID.randomUUID().toString();
      CompletableFuture<HttpResponse<String>> first =
          postAsync(service, slowCommand, "order-slow", "GB");
      assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();

      // While the carrier works on it, another order is booked and the log answers
      HttpResponse<String> other = post(service, UUID.randomUUID().toString(), "order-6", "GB");
      assertThat(other.statusCode()).isEqualTo(201);
      assertThat(service.bookings()).containsOnlyKeys("order-6");
      // And the same command delivered again waits for the first answer instead of booking again
      CompletableFuture<HttpResponse<String>> again =
          postAsync(service, slowCommand, "order-slow", "GB");
      await().atMost(Duration.ofSeconds(30)).until(() -> service.received().size() == 3);
      release.countDown();

      assertThat(first.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(201);
      assertThat(again.get(30, TimeUnit.SECONDS).body()).isEqualTo(first.get().body());
      assertThat(slowBookings).hasValue(1);
      assertThat(service.received()).filteredOn(r -> r.commandId().equals(slowCommand)).hasSize(2);
    }
  }

  @Test
  void shouldRequireTheBearerTokenAndTheCommandId() throws Exception {
    try (ShippingService service =
        ShippingService.start(
            SimPost.europe(),
            Optional.of("t0k3n"),
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      assertThat(post(service, UUID.randomUUID().toString(), "order-5", "GB").statusCode())
          .isEqualTo(401);
    }
    try (ShippingService service = start(SimPost.europe())) {
      assertThat(post(service, "not-a-uuid", "order-5", "GB").statusCode()).isEqualTo(400);
    }
  }

  private static ShippingService start(Carrier carrier) throws Exception {
    return ShippingService.start(
        carrier, Optional.empty(), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
  }

  private HttpResponse<String> post(
      ShippingService service, String commandId, String orderId, String country) throws Exception {
    return http.send(request(service, commandId, orderId, country), BodyHandlers.ofString());
  }

  private CompletableFuture<HttpResponse<String>> postAsync(
      ShippingService service, String commandId, String orderId, String country) {
    return http.sendAsync(request(service, commandId, orderId, country), BodyHandlers.ofString());
  }

  private static HttpRequest request(
      ShippingService service, String commandId, String orderId, String country) {
    String body =
        "{\"orderId\":\"" + orderId + "\",\"shippingAddress\":" + ADDRESS.formatted(country) + "}";
    return HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + service.address().getPort() + ShippingService.PATH))
        .header("Content-Type", "application/json")
        .header("ce-id", commandId)
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
  }
}
