package io.sagaflow.topology;

import static io.sagaflow.examples.order.OrderFulfilmentSaga.INVENTORY;
import static io.sagaflow.topology.SagaDriver.ONE_STEP_TIMEOUT;
import static io.sagaflow.topology.SagaDriver.header;
import static io.sagaflow.topology.SagaDriver.order;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sagaflow.contract.DeadLetter;
import io.sagaflow.contract.SagaStateRecord;
import io.sagaflow.engine.SagaRegistry;
import io.sagaflow.engine.Timer;
import io.sagaflow.engine.TimerKind;
import io.sagaflow.examples.order.OrderFulfilmentSaga;
import io.sagaflow.examples.order.ReleaseInventory;
import io.sagaflow.examples.order.ReserveInventory;
import io.sagaflow.serde.SagaHeaders;
import io.sagaflow.serde.SchemaRegistryException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/** Timers fire on the wall clock; a timer that cannot be applied never takes others down. */
class TimerFiringTest {
  private static final String RESERVING = "reserving";
  private static final String BROKEN_COMPENSATION = "broken-compensation";

  private static SagaRegistry sagas() {
    return SagaRegistry.of(
        OrderFulfilmentSaga.definition(),
        SagaDriver.oneStepSaga(
            RESERVING,
            d -> new ReserveInventory(d.getOrderId(), d.getLines()),
            d -> new ReleaseInventory(d.getOrderId(), "res")),
        SagaDriver.oneStepSaga(
            BROKEN_COMPENSATION,
            d -> new ReserveInventory(d.getOrderId(), d.getLines()),
            d -> {
              throw new IllegalStateException("release factory is broken");
            }));
  }

  private static void start(SagaDriver saga, String sagaId, String type) {
    saga.start(sagaId, type, Optional.empty(), order("o-" + sagaId), Optional.empty());
  }

  @Test
  void shouldDropTimerWhoseSagaStateIsGone() {
    try (SagaDriver saga = new SagaDriver(sagas())) {
      // Given a saga with a step timeout armed, whose state has since been removed
      start(saga, "t1", RESERVING);
      saga.onlyCommand(INVENTORY);
      saga.stateStore().delete("t1");

      // When the timeout comes
      saga.tick(ONE_STEP_TIMEOUT);

      // Then the timer is counted as orphaned and removed; nothing is sent or dead-lettered
      assertThat(saga.counters.get("timer.orphaned")).isEqualTo(1);
      assertThat(saga.timerCount()).isZero();
      assertThat(saga.commands(INVENTORY)).isEmpty();
      assertThat(saga.deadLetters()).isEmpty();
    }
  }

  @Test
  void shouldIgnoreTimerTheSagaNoLongerWaitsFor() {
    try (SagaDriver saga = new SagaDriver(sagas())) {
      // Given a running saga, and a timer in the store that its state does not list
      start(saga, "t2", RESERVING);
      saga.onlyCommand(INVENTORY);
      SagaStateRecord before = saga.state("t2").orElseThrow();
      Timer cancelled =
          new Timer(
              "t2",
              UUID.nameUUIDFromBytes(new byte[] {1}),
              TimerKind.STEP_TIMEOUT,
              Optional.of("reserve"),
              1,
              SagaDriver.T0.plusMillis(100));
      saga.timerStore().put(TimerKeys.of(cancelled), new byte[0]);

      // When it comes due (before the real step timeout)
      saga.tick(Duration.ofMillis(200));

      // Then it is counted as stale and the saga is untouched
      assertThat(saga.counters.get("timer.stale")).isEqualTo(1);
      assertThat(saga.state("t2")).contains(before);
      assertThat(saga.commands(INVENTORY)).isEmpty();
    }
  }

  @Test
  void shouldDeadLetterTimerWhoseDecisionThrowsAndLeaveSagaAsItWas() {
    try (SagaDriver saga = new SagaDriver(sagas())) {
      // Given a saga whose compensation factory throws, waiting for its only step
      start(saga, "t3", BROKEN_COMPENSATION);
      saga.onlyCommand(INVENTORY);
      SagaStateRecord before = saga.state("t3").orElseThrow();

      // When the step times out, so the saga must compensate
      saga.tick(ONE_STEP_TIMEOUT);

      // Then the coordinator dead-letters the timer, and the saga stays as it was
      List<TestRecord<byte[], byte[]>> letters = saga.deadLetters();
      assertThat(letters).hasSize(1);
      TestRecord<byte[], byte[]> letter = letters.get(0);
      assertThat(header(letter, SagaHeaders.SAGA_DLQ_REASON)).isEqualTo("PROCESSING_FAILED");
      assertThat(header(letter, SagaHeaders.SAGA_DLQ_SOURCE_TOPIC))
          .isEqualTo(SagaTopology.TIMER_STORE);
      assertThat(header(letter, SagaHeaders.CE_SUBJECT)).isEqualTo("t3");
      DeadLetter value = saga.decodeLetter(letter);
      assertThat(value.getDetail()).contains("release factory is broken");
      assertThat(value.getSourceOffset()).isEqualTo(-1);
      assertThat(saga.state("t3")).contains(before);
      assertThat(saga.counters.get("dead-letter.PROCESSING_FAILED")).isEqualTo(1);

      // And other sagas go on
      start(saga, "t4", RESERVING);
      assertThat(saga.onlyCommand(INVENTORY).sagaId()).isEqualTo("t4");
    }
  }

  @Test
  void shouldDeadLetterTimerOfSagaWhoseDefinitionVersionIsNoLongerRegistered() {
    try (SagaDriver saga = new SagaDriver(sagas())) {
      // Given a saga stored by a deployment that ran its type at version 7
      start(saga, "t5", RESERVING);
      saga.onlyCommand(INVENTORY);
      SagaStateRecord v7 =
          SagaStateRecord.newBuilder(saga.state("t5").orElseThrow())
              .setDefinitionVersion(7)
              .build();
      saga.stateStore().put("t5", v7);

      // When its timer fires here, where only version 1 is registered
      saga.tick(ONE_STEP_TIMEOUT);

      // Then the timer is dead-lettered with advice, and the saga is kept for the old version
      TestRecord<byte[], byte[]> letter = saga.deadLetters().get(0);
      assertThat(header(letter, SagaHeaders.SAGA_DLQ_DETAIL))
          .contains("runs on reserving v7", "keep old versions registered");
      assertThat(saga.state("t5")).contains(v7);
    }
  }

  @Test
  void shouldHoldTimeoutsWhileTheTaskIsBusyUntilTheirReplyOrTheLimit() {
    Duration limit = SagaTopology.Settings.DEFAULT_BUSY_LIMIT;
    // Given three sagas waiting on the inventory, in a task that is busy from three
    try (SagaDriver saga = new SagaDriver(sagas(), SagaTopology.Settings.DEFAULT_TIMER_BUDGET, 3)) {
      for (int i = 0; i < 3; i++) {
        start(saga, "h" + i, RESERVING);
      }
      List<SagaDriver.Command> sent = saga.commands(INVENTORY);
      assertThat(sent).hasSize(3);

      // When their timeouts fall due
      saga.tick(ONE_STEP_TIMEOUT);

      // Then none fires: the participant is behind, not gone
      assertThat(saga.commands(INVENTORY)).isEmpty();
      assertThat(saga.counters.get("timer.held")).isEqualTo(3);
      assertThat(saga.status("h1")).isEqualTo("RUNNING");

      // When one of them is answered, so that fewer than three wait, until just before the limit
      saga.succeedWithoutResult(sent.get(0));
      saga.tick(limit.minusMillis(1));

      // Then the others still wait: a hold lasts until its limit
      assertThat(saga.commands(INVENTORY)).isEmpty();
      assertThat(saga.status("h0")).isEqualTo("COMPLETED");

      // When the limit comes
      saga.tick(Duration.ofMillis(1));

      // Then the other two time out and compensate; the answered saga's moved timer is stale
      assertThat(saga.commands(INVENTORY)).hasSize(2);
      assertThat(saga.status("h1")).isEqualTo("COMPENSATING");
      assertThat(saga.counters.get("timer.stale")).isEqualTo(1);
      assertThat(saga.counters.get("timer.held")).isEqualTo(3);
    }
  }

  @Test
  void shouldHoldTimeoutsAgainWhileTheTaskStaysBusyUpToTheLastHold() {
    Duration limit = SagaTopology.Settings.DEFAULT_BUSY_LIMIT;
    // Given three sagas waiting on the inventory, in a task that is busy from three
    try (SagaDriver saga = new SagaDriver(sagas(), SagaTopology.Settings.DEFAULT_TIMER_BUDGET, 3)) {
      for (int i = 0; i < 3; i++) {
        start(saga, "k" + i, RESERVING);
      }
      assertThat(saga.commands(INVENTORY)).hasSize(3);

      // When their timeouts fall due, and the task is still busy at each hold's end
      saga.tick(ONE_STEP_TIMEOUT);
      saga.tick(limit);
      assertThat(saga.counters.get("timer.held")).isEqualTo(6);
      saga.tick(limit.multipliedBy(BusyTimeouts.HOLDS - 2L));
      saga.tick(limit.minusMillis(1));

      // Then none has fired yet
      assertThat(saga.commands(INVENTORY)).isEmpty();
      assertThat(saga.status("k0")).isEqualTo("RUNNING");

      // When the last hold ends, busy or not
      saga.tick(Duration.ofMillis(1));

      // Then they fire: a participant that never answers is noticed in the end
      assertThat(saga.commands(INVENTORY)).hasSize(3);
      assertThat(saga.status("k0")).isEqualTo("COMPENSATING");
      assertThat(saga.counters.get("timer.held")).isEqualTo(9);
    }
  }

  @Test
  void shouldNotCountAStallAgainstTheTimeoutsRunningThroughIt() {
    Duration tick = SagaTopology.Settings.DEFAULT_PUNCTUATION_INTERVAL;
    // Given two sagas waiting on the inventory (1 s timeouts), scanned punctually for 400 ms
    try (SagaDriver saga =
        new SagaDriver(
            sagas(), SagaTopology.Settings.DEFAULT_TIMER_BUDGET, 0, Duration.ofSeconds(2))) {
      start(saga, "s0", RESERVING);
      start(saga, "s1", RESERVING);
      List<SagaDriver.Command> sent = saga.commands(INVENTORY);
      saga.tick(tick);
      saga.tick(tick);

      // When the task stalls for 4.8 s (no scan: the broker is down, the commit blocks)
      saga.tick(Duration.ofSeconds(5));

      // Then their timeouts, long due on the wall clock, wait for the 0.6 s they had left
      assertThat(saga.commands(INVENTORY)).isEmpty();
      assertThat(saga.counters.get("timer.stalled")).isEqualTo(2);
      saga.succeedWithoutResult(sent.get(0));
      start(saga, "s2", RESERVING);
      SagaDriver.Command afterTheStall = saga.onlyCommand(INVENTORY);
      saga.tick(tick);
      assertThat(saga.commands(INVENTORY)).isEmpty();
      saga.tick(tick);

      // And then only the unanswered one times out and compensates; the answered one completed
      assertThat(saga.commands(INVENTORY)).hasSize(1);
      assertThat(saga.status("s0")).isEqualTo("COMPLETED");
      assertThat(saga.status("s1")).isEqualTo("COMPENSATING");

      // And a command sent after the stall (at 5.4 s) has its whole timeout, no more
      saga.tick(Duration.ofMillis(400));
      assertThat(saga.commands(INVENTORY)).isEmpty();
      saga.tick(tick);
      assertThat(saga.commands(INVENTORY)).singleElement().isNotEqualTo(afterTheStall);
      assertThat(saga.status("s2")).isEqualTo("COMPENSATING");
      assertThat(saga.counters.get("timer.stalled")).isEqualTo(2);
    }
  }

  @Test
  void shouldFireTimeoutsAtOnceAfterAJumpOfTheClockWhenStallsAreNotCounted() {
    try (SagaDriver saga = new SagaDriver(sagas())) {
      start(saga, "j0", RESERVING);
      saga.onlyCommand(INVENTORY);

      saga.tick(Duration.ofSeconds(5));

      assertThat(saga.commands(INVENTORY)).hasSize(1);
      assertThat(saga.counters.get("timer.stalled")).isZero();
    }
  }

  @Test
  void shouldFireTimeoutsAtOnceInATaskThatIsNotBusy() {
    // Given two sagas waiting, in a task that would be busy from three
    try (SagaDriver saga = new SagaDriver(sagas(), SagaTopology.Settings.DEFAULT_TIMER_BUDGET, 3)) {
      start(saga, "n0", RESERVING);
      start(saga, "n1", RESERVING);
      assertThat(saga.commands(INVENTORY)).hasSize(2);

      // When their timeouts fall due
      saga.tick(ONE_STEP_TIMEOUT);

      // Then they fire as always
      assertThat(saga.commands(INVENTORY)).hasSize(2);
      assertThat(saga.counters.get("timer.held")).isZero();
    }
  }

  @Test
  void shouldFireAtMostTheBudgetPerPunctuationAndTheRestLater() {
    // Given five sagas whose step timeouts are all due at once, and a budget of two per scan
    try (SagaDriver saga = new SagaDriver(sagas(), 2)) {
      for (int i = 0; i < 5; i++) {
        start(saga, "b" + i, RESERVING);
      }
      assertThat(saga.commands(INVENTORY)).hasSize(5);

      // When punctuations run one after another
      List<Integer> compensationsPerScan = new ArrayList<>();
      saga.tick(ONE_STEP_TIMEOUT);
      compensationsPerScan.add(saga.commands(INVENTORY).size());
      for (int i = 0; i < 3; i++) {
        saga.tick(SagaTopology.Settings.DEFAULT_PUNCTUATION_INTERVAL);
        compensationsPerScan.add(saga.commands(INVENTORY).size());
      }

      // Then each scan fires two timed-out steps at most, until all five have compensated
      assertThat(compensationsPerScan).containsExactly(2, 2, 1, 0);
      assertThat(saga.counters.get("timer.APPLIED")).isEqualTo(5);
    }
  }

  @Test
  void shouldStopInsteadOfDeadLetteringWhenRegistryIsDownAsTimerFires() {
    try (SagaDriver saga = new SagaDriver(sagas())) {
      // Given a saga waiting for its step, whose stored state the processor has read before (a
      // repeated start), and then a registry outage
      start(saga, "t6", RESERVING);
      start(saga, "t6", RESERVING);
      saga.onlyCommand(INVENTORY);
      assertThat(saga.counters.get("input.DUPLICATE")).isEqualTo(1);
      saga.takeRegistryDown();

      // When its timeout fires and the new state cannot be encoded
      // Then the task stops (the app restarts it; the aborted transaction restores the timer)
      assertThatThrownBy(() -> saga.tick(ONE_STEP_TIMEOUT))
          .satisfies(
              e -> assertThat(DeadLetterHandlers.isRegistryFailure(e)).as("cause chain").isTrue())
          .hasStackTraceContaining(SchemaRegistryException.class.getName());
      // And nothing was dead-lettered or counted as such
      assertThat(saga.deadLetters()).isEmpty();
      assertThat(saga.counters.get("dead-letter.PROCESSING_FAILED")).isZero();
    }
  }
}
