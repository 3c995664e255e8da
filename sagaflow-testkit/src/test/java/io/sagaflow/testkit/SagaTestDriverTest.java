package io.sagaflow.testkit;

import static io.sagaflow.examples.order.OrderFulfilmentSaga.INVENTORY;
import static io.sagaflow.examples.order.OrderFulfilmentSaga.TYPE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sagaflow.contract.DeadLetterReason;
import io.sagaflow.contract.SagaEventType;
import io.sagaflow.engine.CommandKind;
import io.sagaflow.engine.SagaRegistry;
import io.sagaflow.engine.SagaStatus;
import io.sagaflow.examples.order.ConfirmationSent;
import io.sagaflow.examples.order.InventoryReserved;
import io.sagaflow.examples.order.OrderFulfilmentData;
import io.sagaflow.examples.order.OrderFulfilmentModule;
import io.sagaflow.examples.order.OrderFulfilmentSaga;
import io.sagaflow.examples.order.PaymentAuthorized;
import io.sagaflow.examples.order.PaymentCaptured;
import io.sagaflow.examples.order.ReleaseInventory;
import io.sagaflow.examples.order.ReserveInventory;
import io.sagaflow.examples.order.ShipmentBooked;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The typed driver runs the order-fulfilment example through the real topology. */
class SagaTestDriverTest {
  private static final Instant START = Instant.parse("2030-03-01T09:00:00Z");

  private final SagaTestDriver driver =
      SagaTestDriver.builder().modules(new OrderFulfilmentModule()).startTime(START).build();

  @AfterEach
  void close() {
    driver.close();
  }

  @Test
  void shouldCompleteTheOrderWhenEveryParticipantSucceeds() {
    // Given an order saga
    driver.start(TYPE, "order-1", order("order-1"));

    // When every participant succeeds
    SagaCommand reserve = driver.takeCommand();
    driver.success(reserve, new InventoryReserved("res-1"));
    driver.success(
        driver.takeCommand(), new PaymentAuthorized("auth-1", new BigDecimal("42.50"), "EUR"));
    driver.success(driver.takeCommand(), new PaymentCaptured("cap-1"));
    driver.success(driver.takeCommand("book-shipment"), new ShipmentBooked("s-1", "DHL", "JD1"));
    driver.success(driver.takeCommand("send-confirmation"), new ConfirmationSent("msg-1"));

    // Then the commands were decoded with their correlation, and the saga completed
    assertThat(reserve.sagaId()).isEqualTo("order-1");
    assertThat(reserve.topic()).isEqualTo(INVENTORY);
    assertThat(reserve.step()).isEqualTo("reserve-inventory");
    assertThat(reserve.kind()).isEqualTo(CommandKind.ACTION);
    assertThat(reserve.attempt()).isEqualTo(1);
    assertThat(reserve.commandId()).isNotBlank();
    assertThat(reserve.timestamp()).isEqualTo(START);
    assertThat(reserve.payload()).isInstanceOf(ReserveInventory.class);
    assertThat(driver.status("order-1")).isEqualTo(SagaStatus.COMPLETED);
    assertThat(driver.data("order-1", OrderFulfilmentData.class).getShipmentId()).isEqualTo("s-1");
    assertThat(driver.eventTypes("order-1"))
        .startsWith(SagaEventType.SAGA_STARTED)
        .endsWith(SagaEventType.SAGA_COMPLETED);
    // one record per decision (the start and five replies), twelve facts in them
    assertThat(driver.eventRecords()).hasSize(6);
    assertThat(driver.events()).hasSize(12);
    assertThat(driver.takeCommands()).isEmpty();
    assertThat(driver.deadLetters()).isEmpty();
  }

  @Test
  void shouldReleaseTheReservationWhenTheCardIsDeclined() {
    driver.start(TYPE, "order-2", order("order-2"));
    driver.success(driver.takeCommand(), new InventoryReserved("res-2"));

    // When the payment service declines the card
    driver.businessFailure(driver.takeCommand(), "CARD_DECLINED");

    // Then the reservation is released, and once that succeeds the saga is compensated
    SagaCommand release = driver.takeCommand();
    assertThat(release.isCompensation()).isTrue();
    assertThat(release.step()).isEqualTo("reserve-inventory");
    assertThat(((ReleaseInventory) release.payload()).getReservationId()).isEqualTo("res-2");
    assertThat(driver.status("order-2")).isEqualTo(SagaStatus.COMPENSATING);
    driver.success(release);
    assertThat(driver.status("order-2")).isEqualTo(SagaStatus.COMPENSATED);
    assertThat(driver.eventTypes("order-2"))
        .contains(SagaEventType.SAGA_COMPENSATING)
        .endsWith(SagaEventType.SAGA_COMPENSATED);
  }

  @Test
  void shouldRetryATimedOutStepOnlyWhenTheClockReachesTheTimeout() {
    driver.start(TYPE, "order-3", order("order-3"));
    driver.takeCommand();

    driver.advance(Duration.ofSeconds(5));
    assertThat(driver.takeCommands()).as("before the timeout").isEmpty();

    driver.advance(Duration.ofSeconds(6));
    SagaCommand retry = driver.takeCommand();
    assertThat(retry.attempt()).isEqualTo(2);
    assertThat(retry.timestamp()).isAfter(START.plusSeconds(5));
    assertThat(driver.now()).isEqualTo(START.plusSeconds(11));
  }

  @Test
  void shouldShowADeadLetterForAReplyToAnUnknownSaga() {
    driver.start(TYPE, "order-4", order("order-4"));
    SagaCommand reserve = driver.takeCommand();
    SagaCommand forOtherSaga =
        new SagaCommand(
            "no-such-saga",
            reserve.topic(),
            reserve.step(),
            reserve.kind(),
            reserve.attempt(),
            reserve.commandId(),
            reserve.payload(),
            reserve.timestamp());

    driver.success(forOtherSaga, new InventoryReserved("res-4"));

    assertThat(driver.deadLetters())
        .singleElement()
        .satisfies(l -> assertThat(l.getReason()).isEqualTo(DeadLetterReason.UNKNOWN_SAGA));
  }

  @Test
  void shouldNameWhatIsPendingWhenTheExpectedCommandIsNotThere() {
    driver.start(TYPE, "order-5", order("order-5"));

    assertThatThrownBy(() -> driver.takeCommand("authorize-payment"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("reserve-inventory:ACTION#1");
    assertThatThrownBy(() -> driver.status("never-started"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("'never-started' has no state");
  }

  @Test
  void shouldBuildFromARegistryAndRefuseToBuildWithoutSagas() {
    try (SagaTestDriver fromRegistry =
        SagaTestDriver.builder()
            .registry(SagaRegistry.of(OrderFulfilmentSaga.definition()))
            .build()) {
      fromRegistry.start(TYPE, 1, "order-6", order("order-6"));
      assertThat(fromRegistry.takeCommands())
          .extracting(SagaCommand::toString)
          .isEqualTo(List.of("reserve-inventory:ACTION#1"));
      assertThat(fromRegistry.now()).isEqualTo(SagaTestDriver.DEFAULT_START);
    }
    assertThatThrownBy(() -> SagaTestDriver.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("No saga to test");
  }

  private static OrderFulfilmentData order(String orderId) {
    return OrderSamples.order(orderId);
  }
}
