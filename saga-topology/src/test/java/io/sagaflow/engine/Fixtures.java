package io.sagaflow.engine;

import java.time.Duration;

/** Shared saga definitions for the engine tests: one place, named for what they exercise. */
public final class Fixtures {
  private Fixtures() {}

  /** The saga data of the order examples. */
  public record Order(String id, int amount, String reservation) {
    Order withReservation(String value) {
      return new Order(id, amount, value);
    }
  }

  /** A participant's typed result for the reserve step. */
  public record Reserved(String reservationId) {}

  /** A typed command payload. */
  public record Cmd(String name, String orderId, String reservation) {}

  public static final Duration TIMEOUT = Duration.ofSeconds(10);

  /** Retries of post-pivot steps: 3 attempts, 1 s doubling, no jitter. */
  public static final RetryPolicy THREE_TRIES =
      RetryPolicy.exponential(3, Duration.ofSeconds(1), 2.0, Duration.ofSeconds(30));

  /** Compensation retries: 2 attempts, 1 s. */
  public static final RetryPolicy TWO_COMPENSATION_TRIES =
      RetryPolicy.exponential(2, Duration.ofSeconds(1), 2.0, Duration.ofSeconds(30));

  public static Order order() {
    return new Order("o-1", 100, "");
  }

  /**
   * Five steps in sequence: reserve-stock and charge-card (compensatable), create-shipment (pivot),
   * notify-customer and close-order (retriable).
   */
  public static SagaDefinition<Order> fiveSteps() {
    return fiveStepsBuilder().build();
  }

  public static SagaDefinition.Builder<Order> fiveStepsBuilder() {
    return SagaDefinition.builder("order-fulfilment", 1, Order.class)
        .step(
            "reserve-stock",
            "inventory.commands",
            StepKind.COMPENSATABLE,
            s ->
                s.action(d -> new Cmd("reserve", d.id(), d.reservation()))
                    .compensation(d -> new Cmd("release", d.id(), d.reservation()))
                    .onSuccess(Reserved.class, (d, r) -> d.withReservation(r.reservationId()))
                    .timeout(TIMEOUT)
                    .compensationRetry(TWO_COMPENSATION_TRIES))
        .step(
            "charge-card",
            "payments.commands",
            StepKind.COMPENSATABLE,
            s ->
                s.action(d -> new Cmd("charge", d.id(), d.reservation()))
                    .compensation(d -> new Cmd("refund", d.id(), d.reservation()))
                    .compensationTopic("payments.refunds")
                    .retry(
                        RetryPolicy.exponential(
                                2, Duration.ofSeconds(1), 2.0, Duration.ofSeconds(30))
                            .withNonRetriableCodes("CARD_EXPIRED"))
                    .timeout(TIMEOUT)
                    .compensationRetry(TWO_COMPENSATION_TRIES))
        .step(
            "create-shipment",
            "shipping.commands",
            StepKind.PIVOT,
            s -> s.action(d -> new Cmd("ship", d.id(), d.reservation())).timeout(TIMEOUT))
        .step(
            "notify-customer",
            "notify.commands",
            StepKind.RETRIABLE,
            s ->
                s.action(d -> new Cmd("notify", d.id(), d.reservation()))
                    .retry(THREE_TRIES)
                    .timeout(TIMEOUT))
        .step(
            "close-order",
            "orders.commands",
            StepKind.RETRIABLE,
            s ->
                s.action(d -> new Cmd("close", d.id(), d.reservation()))
                    .retry(THREE_TRIES)
                    .timeout(TIMEOUT));
  }

  /**
   * reserve-stock, then a compensatable group [hold-hotel, hold-flight], then pay (pivot), then a
   * retriable group [email, sms].
   */
  public static SagaDefinition<Order> withGroups() {
    return SagaDefinition.builder("trip", 1, Order.class)
        .step(
            "reserve-stock", "inventory.commands", StepKind.COMPENSATABLE, Fixtures::compensatable)
        .parallel(
            g ->
                g.step(
                        "hold-hotel",
                        "hotel.commands",
                        StepKind.COMPENSATABLE,
                        Fixtures::compensatable)
                    .step(
                        "hold-flight",
                        "flight.commands",
                        StepKind.COMPENSATABLE,
                        Fixtures::compensatable))
        .step(
            "pay", "payments.commands", StepKind.PIVOT, s -> s.action(d -> "pay").timeout(TIMEOUT))
        .parallel(
            g ->
                g.step("email", "email.commands", StepKind.RETRIABLE, Fixtures::retriable)
                    .step("sms", "sms.commands", StepKind.RETRIABLE, Fixtures::retriable))
        .build();
  }

  static StepDefinition.Builder<Order> compensatable(StepDefinition.Builder<Order> s) {
    return s.action(d -> "do")
        .compensation(d -> "undo")
        .timeout(TIMEOUT)
        .compensationRetry(TWO_COMPENSATION_TRIES);
  }

  static StepDefinition.Builder<Order> retriable(StepDefinition.Builder<Order> s) {
    return s.action(d -> "do").retry(THREE_TRIES).timeout(TIMEOUT);
  }
}
