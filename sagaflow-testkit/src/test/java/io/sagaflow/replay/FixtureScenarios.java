package io.sagaflow.replay;

import static io.sagaflow.examples.order.OrderFulfilmentSaga.INVENTORY;
import static io.sagaflow.examples.order.OrderFulfilmentSaga.NOTIFICATION;
import static io.sagaflow.examples.order.OrderFulfilmentSaga.PAYMENT;
import static io.sagaflow.examples.order.OrderFulfilmentSaga.SHIPPING;

import io.sagaflow.contract.StepOutcome;
import io.sagaflow.examples.order.ConfirmationSent;
import io.sagaflow.examples.order.InventoryReserved;
import io.sagaflow.examples.order.PaymentAuthorized;
import io.sagaflow.examples.order.PaymentCaptured;
import io.sagaflow.examples.order.ShipmentBooked;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The scripted runs behind the checked-in fixtures under {@code fixtures/}: one per path of the
 * example saga. Each script plays the client and the participants; the recorder turns its inputs
 * into a fixture.
 */
final class FixtureScenarios {
  private FixtureScenarios() {}

  /** A scripted scenario and the saga events it must end with. */
  record Scenario(String name, String description, Consumer<ScenarioScript> script) {
    Fixture record() {
      try (ScenarioScript run = new ScenarioScript()) {
        script.accept(run);
        Fixture header =
            new Fixture(
                name,
                description,
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                ScenarioScript.T0,
                ScenarioScript.INTERVAL,
                List.of());
        return new FixtureRecorder(ScenarioScript.SAGAS).record(header, run.steps());
      }
    }

    Path file() {
      return directory().resolve(name + ".json");
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** The repository's {@code fixtures/} directory, from the module or the repository root. */
  static Path directory() {
    Path fromModule = Path.of("..", "fixtures");
    return Files.isDirectory(fromModule) ? fromModule : Path.of("fixtures");
  }

  static List<Scenario> all() {
    return List.of(
        new Scenario(
            "happy-path",
            "Every participant succeeds: reserve, authorize, capture, then shipment and"
                + " confirmation in parallel; the saga completes.",
            FixtureScenarios::happyPath),
        new Scenario(
            "payment-declined",
            "The card is declined (business failure, non-retriable): the reserved inventory is"
                + " released and the saga ends compensated.",
            FixtureScenarios::paymentDeclined),
        new Scenario(
            "retriable-failure-retry",
            "Inventory fails retriably; after the back-off attempt 2 is sent and succeeds, and"
                + " the saga moves on to payment.",
            FixtureScenarios::retriableFailure),
        new Scenario(
            "timeout-retry",
            "The payment service stays silent; after the 10 s step timeout attempt 2 is sent,"
                + " succeeds, and the capture follows.",
            FixtureScenarios::timeoutRetry),
        new Scenario(
            "cancel-before-pivot",
            "The client cancels while the payment is being authorized: the saga starts"
                + " compensating, the late authorization is voided, the reservation released,"
                + " and the saga ends compensated.",
            FixtureScenarios::cancelBeforePivot),
        new Scenario(
            "duplicate-reply",
            "The inventory service delivers its success twice: the second copy is dropped and"
                + " emits nothing.",
            FixtureScenarios::duplicateReply),
        new Scenario(
            "poison-record",
            "Bytes that are not a contract record arrive on saga.requests: they go to saga.dlq"
                + " with the reason, and the next start request is processed normally.",
            FixtureScenarios::poisonRecord));
  }

  private static void happyPath(ScenarioScript run) {
    run.start("happy-1");
    run.succeed(run.take(INVENTORY), Optional.of(new InventoryReserved("res-1")));
    run.succeed(
        run.take(PAYMENT),
        Optional.of(new PaymentAuthorized("auth-1", new BigDecimal("42.50"), "EUR")));
    run.succeed(run.take(PAYMENT), Optional.of(new PaymentCaptured("cap-1")));
    run.succeed(run.take(SHIPPING), Optional.of(new ShipmentBooked("ship-1", "DHL", "JD01")));
    run.succeed(run.take(NOTIFICATION), Optional.of(new ConfirmationSent("msg-1")));
  }

  private static void paymentDeclined(ScenarioScript run) {
    run.start("declined-1");
    run.succeed(run.take(INVENTORY), Optional.of(new InventoryReserved("res-2")));
    run.fail(run.take(PAYMENT), StepOutcome.BUSINESS_FAILURE, "CARD_DECLINED");
    run.succeed(run.take(INVENTORY), Optional.empty());
  }

  private static void retriableFailure(ScenarioScript run) {
    run.start("retry-1");
    run.fail(run.take(INVENTORY), StepOutcome.RETRIABLE_FAILURE, "DB_BUSY");
    run.tick(Duration.ofSeconds(1));
    run.succeed(run.take(INVENTORY), Optional.of(new InventoryReserved("res-3")));
  }

  private static void timeoutRetry(ScenarioScript run) {
    run.start("timeout-1");
    run.succeed(run.take(INVENTORY), Optional.of(new InventoryReserved("res-4")));
    run.take(PAYMENT);
    run.tick(Duration.ofSeconds(11));
    run.succeed(
        run.take(PAYMENT),
        Optional.of(new PaymentAuthorized("auth-4", new BigDecimal("42.50"), "EUR")));
  }

  private static void cancelBeforePivot(ScenarioScript run) {
    run.start("cancel-1");
    run.succeed(run.take(INVENTORY), Optional.of(new InventoryReserved("res-5")));
    CapturedRecord authorize = run.take(PAYMENT);
    run.cancel("cancel-1", "customer changed their mind");
    // The authorization was in flight: its reply comes after the cancel and is then undone too.
    run.succeed(
        authorize, Optional.of(new PaymentAuthorized("auth-5", new BigDecimal("42.50"), "EUR")));
    run.succeedAllCompensations();
  }

  private static void duplicateReply(ScenarioScript run) {
    run.start("duplicate-1");
    CapturedRecord reserve = run.take(INVENTORY);
    run.succeed(reserve, Optional.of(new InventoryReserved("res-6")));
    run.succeed(reserve, Optional.of(new InventoryReserved("res-6")));
  }

  private static void poisonRecord(ScenarioScript run) {
    run.poison("poison-1", new byte[] {1, 2, 3});
    run.start("poison-1");
  }
}
