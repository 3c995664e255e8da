package io.sagaflow.topology;

import static io.sagaflow.examples.order.OrderFulfilmentSaga.INVENTORY;
import static io.sagaflow.examples.order.OrderFulfilmentSaga.PAYMENT;
import static org.assertj.core.api.Assertions.assertThat;

import io.sagaflow.engine.Timer;
import io.sagaflow.engine.TimerKind;
import io.sagaflow.examples.order.InventoryReserved;
import io.sagaflow.topology.SagaDriver.Command;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.junit.jupiter.api.Test;

/**
 * The timer store has no changelog, so what a restarted task knows of its timers is what {@link
 * TimerRebuild} derives from the restored state: it must be exactly the timers the sagas still wait
 * on, and they must fire as the lost ones would have.
 */
class TimerRebuildTest {

  @Test
  void shouldRebuildExactlyTheTimersOfUnfinishedSagasAndFireThem() {
    try (SagaDriver saga = new SagaDriver()) {
      // Given a saga waiting on its first step, one waiting on payment, one cancelled (its
      // compensation timed) and one compensated, so finished, with nothing left to wait on
      saga.start("waiting");
      saga.onlyCommand(INVENTORY);
      saga.start("paying");
      saga.succeed(saga.onlyCommand(INVENTORY), new InventoryReserved("res-paying"));
      saga.start("cancelled");
      saga.start("done");
      List<Command> reservations = saga.commands(INVENTORY);
      saga.failBusiness(byId(reservations, "done"), "OUT_OF_STOCK");
      saga.succeed(byId(reservations, "cancelled"), new InventoryReserved("res-cancelled"));
      saga.cancel("cancelled", "changed my mind");
      assertThat(saga.status("done")).isEqualTo("COMPENSATED");
      assertThat(saga.status("cancelled")).isEqualTo("COMPENSATING");
      List<Bytes> armed = keys(saga);
      assertThat(armed).isNotEmpty();

      // When the store is lost (as a task restarted on a restored state finds it), with a stale
      // entry left behind, and rebuilt
      armed.forEach(saga.timerStore()::delete);
      Timer stale =
          new Timer("gone", UUID.randomUUID(), TimerKind.DEADLINE, Optional.empty(), 0, saga.now());
      saga.timerStore().put(TimerKeys.of(stale), new byte[0]);
      TimerRebuild.Result result =
          TimerRebuild.rebuild(
              saga.stateStore(),
              saga.driver.getKeyValueStore(SagaTopology.INDEX_STORE),
              saga.timerStore());

      // Then it holds exactly the armed timers again, read from the three unfinished sagas only
      assertThat(keys(saga)).containsExactlyElementsOf(armed);
      assertThat(result.sagas()).isEqualTo(3);
      assertThat(result.timers()).isEqualTo(armed.size());

      // And they fire: the unanswered payment times out and is sent again after its back-off
      saga.commands(PAYMENT);
      List<Command> payments = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        saga.tick(Duration.ofSeconds(11));
        payments.addAll(saga.commands(PAYMENT));
      }
      assertThat(payments)
          .anySatisfy(
              c -> {
                assertThat(c.sagaId()).isEqualTo("paying");
                assertThat(c.attempt()).isEqualTo(2);
              });
    }
  }

  private static Command byId(List<Command> commands, String sagaId) {
    return commands.stream().filter(c -> c.sagaId().equals(sagaId)).findFirst().orElseThrow();
  }

  private static List<Bytes> keys(SagaDriver saga) {
    List<Bytes> keys = new ArrayList<>();
    try (KeyValueIterator<Bytes, byte[]> all = saga.timerStore().all()) {
      all.forEachRemaining(kv -> keys.add(kv.key));
    }
    return keys;
  }
}
