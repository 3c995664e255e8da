package io.sagaflow.examples.order;

import io.sagaflow.engine.RetryPolicy;
import io.sagaflow.engine.SagaDefinition;
import io.sagaflow.engine.StepKind;
import java.time.Duration;

/**
 * The example saga, order fulfilment, with one step of every kind:
 *
 * <ol>
 *   <li>{@code reserve-inventory} (compensatable: release the reservation);
 *   <li>{@code authorize-payment} (compensatable: void the authorization);
 *   <li>{@code capture-payment} (the pivot: once money is taken the order goes through);
 *   <li>in parallel {@code book-shipment} and {@code send-confirmation} (retriable until done).
 * </ol>
 *
 * <p>Invariant {@code capture-needs-authorization}: a saga never holds a capture id without an
 * authorization id, i.e. money is never taken without a prior authorization.
 */
public final class OrderFulfilmentSaga {
  /** The saga type ({@code sagaType}) used in start requests. */
  public static final String TYPE = "order-fulfilment";

  /** Topic of inventory commands. */
  public static final String INVENTORY = "inventory.commands";

  /** Topic of payment commands. */
  public static final String PAYMENT = "payment.commands";

  /** Topic of shipping commands. */
  public static final String SHIPPING = "shipping.commands";

  /** Topic of notification commands. */
  public static final String NOTIFICATION = "notification.commands";

  static final Duration STEP_TIMEOUT = Duration.ofSeconds(10);
  static final Duration DEADLINE = Duration.ofMinutes(5);

  private static final RetryPolicy FEW_RETRIES =
      RetryPolicy.exponential(3, Duration.ofMillis(200), 2.0, Duration.ofSeconds(5));
  private static final RetryPolicy FORWARD_RECOVERY =
      RetryPolicy.exponential(20, Duration.ofMillis(200), 2.0, Duration.ofSeconds(30))
          .withJitter(0.2);
  private static final RetryPolicy COMPENSATION_RETRIES =
      RetryPolicy.exponential(5, Duration.ofMillis(200), 2.0, Duration.ofSeconds(10));

  private OrderFulfilmentSaga() {}

  /** Version 1 of the definition. */
  public static SagaDefinition<OrderFulfilmentData> definition() {
    return SagaDefinition.builder(TYPE, 1, OrderFulfilmentData.class)
        .step(
            "reserve-inventory",
            INVENTORY,
            StepKind.COMPENSATABLE,
            s ->
                s.action(d -> new ReserveInventory(d.getOrderId(), d.getLines()))
                    .compensation(d -> new ReleaseInventory(d.getOrderId(), d.getReservationId()))
                    .onSuccess(
                        InventoryReserved.class,
                        (d, r) ->
                            OrderFulfilmentData.newBuilder(d)
                                .setReservationId(r.getReservationId())
                                .build())
                    .timeout(STEP_TIMEOUT)
                    .retry(FEW_RETRIES)
                    .compensationRetry(COMPENSATION_RETRIES))
        .step(
            "authorize-payment",
            PAYMENT,
            StepKind.COMPENSATABLE,
            s ->
                s.action(
                        d ->
                            new AuthorizePayment(
                                d.getOrderId(),
                                d.getCustomerId(),
                                d.getAmount(),
                                d.getCurrency(),
                                d.getPaymentToken()))
                    .compensation(
                        d -> new VoidPaymentAuthorization(d.getOrderId(), d.getAuthorizationId()))
                    .onSuccess(
                        PaymentAuthorized.class,
                        (d, r) ->
                            OrderFulfilmentData.newBuilder(d)
                                .setAuthorizationId(r.getAuthorizationId())
                                .build())
                    .timeout(STEP_TIMEOUT)
                    .retry(FEW_RETRIES.withNonRetriableCodes("CARD_DECLINED", "INSUFFICIENT_FUNDS"))
                    .compensationRetry(COMPENSATION_RETRIES))
        .step(
            "capture-payment",
            PAYMENT,
            StepKind.PIVOT,
            s ->
                s.action(
                        d ->
                            new CapturePayment(
                                d.getOrderId(),
                                d.getAuthorizationId(),
                                d.getAmount(),
                                d.getCurrency()))
                    .onSuccess(
                        PaymentCaptured.class,
                        (d, r) ->
                            OrderFulfilmentData.newBuilder(d)
                                .setCaptureId(r.getCaptureId())
                                .build())
                    .timeout(STEP_TIMEOUT)
                    .retry(FEW_RETRIES))
        .parallel(
            g ->
                g.step(
                        "book-shipment",
                        SHIPPING,
                        StepKind.RETRIABLE,
                        s ->
                            s.action(
                                    d ->
                                        new BookShipment(
                                            d.getOrderId(), d.getShippingAddress(), d.getLines()))
                                .onSuccess(
                                    ShipmentBooked.class,
                                    (d, r) ->
                                        OrderFulfilmentData.newBuilder(d)
                                            .setShipmentId(r.getShipmentId())
                                            .build())
                                .timeout(STEP_TIMEOUT)
                                .retry(FORWARD_RECOVERY))
                    .step(
                        "send-confirmation",
                        NOTIFICATION,
                        StepKind.RETRIABLE,
                        s ->
                            s.action(
                                    d ->
                                        new SendConfirmation(
                                            d.getOrderId(), d.getCustomerEmail(), d.getCaptureId()))
                                .onSuccess(
                                    ConfirmationSent.class,
                                    (d, r) ->
                                        OrderFulfilmentData.newBuilder(d)
                                            .setConfirmationId(r.getMessageId())
                                            .build())
                                .timeout(STEP_TIMEOUT)
                                .retry(FORWARD_RECOVERY)))
        .deadline(DEADLINE)
        .invariant(
            "capture-needs-authorization",
            state ->
                state.data().getCaptureId() == null || state.data().getAuthorizationId() != null)
        .build();
  }
}
