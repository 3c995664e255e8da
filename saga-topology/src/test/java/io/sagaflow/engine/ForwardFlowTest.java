package io.sagaflow.engine;

import static io.sagaflow.engine.Fixtures.fiveSteps;
import static io.sagaflow.engine.Fixtures.order;
import static io.sagaflow.engine.Fixtures.withGroups;
import static org.assertj.core.api.Assertions.assertThat;

import io.sagaflow.engine.Fixtures.Cmd;
import io.sagaflow.engine.Fixtures.Order;
import io.sagaflow.engine.Fixtures.Reserved;
import io.sagaflow.testkit.SagaTestKit;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ForwardFlowTest {
  private static final Instant T0 = Instant.parse("2024-01-01T00:00:00Z");

  @Test
  void shouldSendFirstStepWithNameBasedIdAndTimeoutWhenSagaStarts() {
    // Given a five-step definition, When a saga starts
    Decision<Order> decision =
        SagaEngine.decide(
            fiveSteps(),
            Optional.empty(),
            new SagaInput.Start<>(
                "s-1", "order-fulfilment", Optional.empty(), order(), Optional.of("00-trace")),
            T0);

    // Then the first action goes out with a deterministic id and the trace context
    assertThat(decision.verdict()).isEqualTo(InputVerdict.APPLIED);
    assertThat(decision.commands())
        .containsExactly(
            new Outbound.Command(
                "inventory.commands",
                "s-1",
                "reserve-stock",
                1,
                CommandKind.ACTION,
                Ids.commandId("s-1", "reserve-stock", 1, CommandKind.ACTION),
                new Cmd("reserve", "o-1", ""),
                Optional.of("00-trace")));
    assertThat(decision.timerChanges())
        .containsExactly(
            new TimerChange.Schedule(
                Timer.of(
                    "s-1",
                    TimerKind.STEP_TIMEOUT,
                    Optional.of("reserve-stock"),
                    1,
                    T0.plus(Fixtures.TIMEOUT))));
    SagaState<Order> state = decision.nextState().orElseThrow();
    assertThat(state.status()).isEqualTo(SagaStatus.RUNNING);
    assertThat(state.step("reserve-stock").orElseThrow().status())
        .isEqualTo(StepStatus.AWAITING_REPLY);
    assertThat(state.traceparent()).contains("00-trace");
    assertThat(decision.events())
        .extracting(Outbound.LifecycleEvent::eventType)
        .containsExactly(EventType.SAGA_STARTED, EventType.STEP_STARTED);
  }

  @Test
  void shouldMapReplyResultOntoDataAndUseItInTheNextCommand() {
    // Given a started saga
    SagaTestKit<Order> kit = SagaTestKit.given(fiveSteps()).start("s-1", order());

    // When reserve-stock succeeds with a reservation id
    kit.succeed("reserve-stock", new Reserved("r-42"));

    // Then the data carries it and the charge command is built from it
    assertThat(kit.state().data().reservation()).isEqualTo("r-42");
    assertThat(kit.lastCommands())
        .singleElement()
        .satisfies(c -> assertThat(c.payload()).isEqualTo(new Cmd("charge", "o-1", "r-42")));
    assertThat(kit.lastDecision().timerChanges())
        .extracting(c -> c.getClass().getSimpleName() + ":" + c.timer().kind())
        .containsExactly("Cancel:STEP_TIMEOUT", "Schedule:STEP_TIMEOUT");
  }

  @Test
  void shouldCompleteWhenEveryStepSucceeds() {
    SagaTestKit<Order> kit = SagaTestKit.given(fiveSteps()).start("s-1", order());

    kit.succeed("reserve-stock")
        .succeed("charge-card")
        .succeed("create-shipment")
        .succeed("notify-customer")
        .succeed("close-order");

    kit.expectStatus(SagaStatus.COMPLETED);
    assertThat(kit.commands())
        .extracting(Outbound.Command::step)
        .containsExactly(
            "reserve-stock", "charge-card", "create-shipment", "notify-customer", "close-order");
    assertThat(kit.state().pendingTimers()).isEmpty();
    assertThat(kit.state().history())
        .extracting(Transition::to)
        .containsExactly(SagaStatus.RUNNING, SagaStatus.COMPLETED);
    assertThat(kit.lastDecision().events())
        .extracting(Outbound.LifecycleEvent::eventType)
        .containsExactly(EventType.STEP_SUCCEEDED, EventType.SAGA_COMPLETED);
  }

  @Test
  void shouldSendParallelBranchesTogetherAndJoinBeforeTheNextStage() {
    SagaTestKit<Order> kit = SagaTestKit.given(withGroups()).start("s-1", order());

    kit.succeed("reserve-stock")
        .expectLastCommands("hold-hotel:ACTION", "hold-flight:ACTION")
        .succeed("hold-flight")
        .expectLastCommands()
        .succeed("hold-hotel")
        .expectLastCommands("pay:ACTION")
        .succeed("pay")
        .expectLastCommands("email:ACTION", "sms:ACTION")
        .succeed("sms")
        .expectStatus(SagaStatus.RUNNING)
        .succeed("email")
        .expectStatus(SagaStatus.COMPLETED);
  }

  @Test
  void shouldKeepDataWhenReplyHasNoResultOrStepHasNoMapping() {
    SagaTestKit<Order> kit = SagaTestKit.given(fiveSteps()).start("s-1", order());

    kit.succeed("reserve-stock").succeed("charge-card", "ignored-result");

    assertThat(kit.state().data()).isEqualTo(order());
    kit.expectLastCommands("create-shipment:ACTION");
  }

  @Test
  void shouldGiveDistinctCommandIdsPerSagaStepAttemptAndKind() {
    assertThat(Ids.commandId("s", "a", 1, CommandKind.ACTION))
        .isEqualTo(Ids.commandId("s", "a", 1, CommandKind.ACTION))
        .isNotEqualTo(Ids.commandId("s", "a", 2, CommandKind.ACTION))
        .isNotEqualTo(Ids.commandId("s", "a", 1, CommandKind.COMPENSATION))
        .isNotEqualTo(Ids.commandId("s2", "a", 1, CommandKind.ACTION));
    // length-prefixing keeps ("a|b", "c") and ("a", "b|c") apart
    assertThat(Ids.commandId("a|1:b", "c", 1, CommandKind.ACTION))
        .isNotEqualTo(Ids.commandId("a", "b|1:c", 1, CommandKind.ACTION));
  }
}
