package io.sagaflow.topology;

import static io.sagaflow.examples.order.OrderFulfilmentSaga.INVENTORY;
import static io.sagaflow.examples.order.OrderFulfilmentSaga.NOTIFICATION;
import static io.sagaflow.examples.order.OrderFulfilmentSaga.PAYMENT;
import static io.sagaflow.examples.order.OrderFulfilmentSaga.SHIPPING;
import static org.assertj.core.api.Assertions.assertThat;

import io.sagaflow.contract.OperatorAction;
import io.sagaflow.examples.order.ConfirmationSent;
import io.sagaflow.examples.order.InventoryReserved;
import io.sagaflow.examples.order.OrderFulfilmentSaga;
import io.sagaflow.examples.order.PaymentAuthorized;
import io.sagaflow.examples.order.PaymentCaptured;
import io.sagaflow.examples.order.ShipmentBooked;
import io.sagaflow.topology.SagaDriver.Command;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The saga-index store follows each saga through its statuses, written with its state. */
class SagaIndexTopologyTest {
  private static final String TYPE = OrderFulfilmentSaga.TYPE;
  private final SagaDriver saga = new SagaDriver();

  @AfterEach
  void close() {
    saga.close();
  }

  private SagaIndex.Entry entry(String status, String sagaId, Instant created, Instant since) {
    return new SagaIndex.Entry(status, TYPE, created, sagaId, since);
  }

  @Test
  void shouldListARunningSagaAndMoveItToCompletedWhenItEnds() {
    // Given a started saga
    Instant created = saga.now();
    saga.start("i1");
    assertThat(saga.indexEntries()).containsExactly(entry("RUNNING", "i1", created, created));

    // When every step succeeds, a little later
    saga.tick(Duration.ofSeconds(5));
    saga.succeed(saga.onlyCommand(INVENTORY), new InventoryReserved("r"));
    saga.succeed(
        saga.onlyCommand(PAYMENT), new PaymentAuthorized("a", new BigDecimal("42.50"), "EUR"));
    saga.succeed(saga.onlyCommand(PAYMENT), new PaymentCaptured("c"));
    Command ship = saga.onlyCommand(SHIPPING);
    Command confirm = saga.onlyCommand(NOTIFICATION);
    saga.succeed(ship, new ShipmentBooked("s", "DHL", null));
    Instant completedAt = saga.now();
    saga.succeed(confirm, new ConfirmationSent("m"));

    // Then only the COMPLETED entry is left, with the time it completed
    assertThat(saga.status("i1")).isEqualTo("COMPLETED");
    assertThat(saga.indexEntries()).containsExactly(entry("COMPLETED", "i1", created, completedAt));
  }

  @Test
  void shouldFollowASagaThroughCompensatingToCompensated() {
    Instant created = saga.now();
    saga.start("i2");
    saga.succeed(saga.onlyCommand(INVENTORY), new InventoryReserved("r"));

    // When the payment is declined a second later
    saga.tick(Duration.ofSeconds(1));
    Instant declinedAt = saga.now();
    saga.failBusiness(saga.onlyCommand(PAYMENT), "CARD_DECLINED");

    // Then the saga is listed as COMPENSATING since then
    assertThat(saga.indexEntries())
        .containsExactly(entry("COMPENSATING", "i2", created, declinedAt));

    // And once its inventory is released, as COMPENSATED
    saga.tick(Duration.ofSeconds(1));
    Instant releasedAt = saga.now();
    saga.succeedWithoutResult(saga.onlyCommand(INVENTORY));
    assertThat(saga.indexEntries())
        .containsExactly(entry("COMPENSATED", "i2", created, releasedAt));
  }

  @Test
  void shouldListAStuckSagaSinceItWasParkedAndMoveItWhenAnOperatorResumesIt() {
    Instant created = saga.now();
    saga.start("i3");
    saga.succeed(saga.onlyCommand(INVENTORY), new InventoryReserved("r"));
    saga.failBusiness(saga.onlyCommand(PAYMENT), "CARD_DECLINED");

    // When releasing the inventory fails for good, a second later
    saga.tick(Duration.ofSeconds(1));
    Instant stuckAt = saga.now();
    saga.failBusiness(saga.onlyCommand(INVENTORY), "WAREHOUSE_GONE");

    // Then it is listed STUCK since then, and only STUCK
    assertThat(saga.status("i3")).isEqualTo("STUCK");
    assertThat(saga.indexEntries()).containsExactly(entry("STUCK", "i3", created, stuckAt));

    // When an operator retries the compensation
    saga.tick(Duration.ofSeconds(1));
    Instant resumedAt = saga.now();
    saga.operator("i3", OperatorAction.RETRY_STEP, "reserve-inventory");

    // Then it is COMPENSATING again, since the operator's command
    assertThat(saga.indexEntries())
        .containsExactly(entry("COMPENSATING", "i3", created, resumedAt));
  }

  @Test
  void shouldNotRewriteTheEntryWhenAnInputLeavesTheStatusAsItWas() {
    Instant created = saga.now();
    saga.start("i4");
    saga.tick(Duration.ofSeconds(3));

    // When a step succeeds, the saga still RUNNING
    saga.succeed(saga.onlyCommand(INVENTORY), new InventoryReserved("r"));

    // Then its entry is unchanged: RUNNING since it started
    assertThat(saga.indexEntries()).containsExactly(entry("RUNNING", "i4", created, created));
  }

  @Test
  void shouldOrderEntriesOfOneStatusAndTypeNewestFirst() {
    saga.start("b-old");
    saga.tick(Duration.ofSeconds(1));
    saga.start("c-mid");
    saga.start("a-mid");
    saga.tick(Duration.ofSeconds(1));
    saga.start("d-new");

    // A forward scan: newest first, the same millisecond by saga id
    List<String> ids = saga.indexEntries().stream().map(SagaIndex.Entry::sagaId).toList();
    assertThat(ids).containsExactly("d-new", "a-mid", "c-mid", "b-old");
  }

  @Test
  void shouldKeepExactlyOneEntryPerStoredSaga() {
    saga.start("j1");
    saga.start("j2");
    saga.succeed(saga.commands(INVENTORY).get(0), new InventoryReserved("r"));
    saga.cancel("j1", "customer changed their mind");
    saga.cancel("j2", "customer changed their mind");
    saga.tick(Duration.ofMinutes(10));

    assertThat(saga.indexEntries())
        .extracting(SagaIndex.Entry::sagaId)
        .containsExactlyInAnyOrder("j1", "j2");
    assertThat(saga.indexEntries())
        .allSatisfy(e -> assertThat(e.status()).isEqualTo(saga.status(e.sagaId())));
  }
}
