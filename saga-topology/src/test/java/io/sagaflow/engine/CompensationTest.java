package io.sagaflow.engine;

import static io.sagaflow.engine.Fixtures.fiveSteps;
import static io.sagaflow.engine.Fixtures.order;
import static io.sagaflow.engine.Fixtures.withGroups;
import static org.assertj.core.api.Assertions.assertThat;

import io.sagaflow.engine.Fixtures.Cmd;
import io.sagaflow.engine.Fixtures.Order;
import io.sagaflow.engine.Fixtures.Reserved;
import io.sagaflow.testkit.SagaTestKit;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CompensationTest {

  @Test
  void shouldCompensateCompletedStepsInReverseOrderWhenALaterStepFailsForBusinessReasons() {
    // Given reserve-stock succeeded with a reservation
    SagaTestKit<Order> kit =
        SagaTestKit.given(fiveSteps())
            .start("s-1", order())
            .succeed("reserve-stock", new Reserved("r-1"));

    // When charge-card is declined
    kit.failBusiness("charge-card", "DECLINED");

    // Then only reserve-stock is compensated (charge-card never took effect), with the mapped data
    kit.expectStatus(SagaStatus.COMPENSATING).expectLastCommands("reserve-stock:COMPENSATION");
    assertThat(kit.lastCommands().get(0).payload()).isEqualTo(new Cmd("release", "o-1", "r-1"));
    assertThat(kit.state().lastError()).hasValueSatisfying(e -> assertThat(e).contains("DECLINED"));

    // When the compensation succeeds Then the saga is COMPENSATED
    kit.succeed("reserve-stock").expectStatus(SagaStatus.COMPENSATED);
    assertThat(kit.state().step("charge-card").orElseThrow().status()).isEqualTo(StepStatus.FAILED);
    assertThat(kit.state().step("create-shipment").orElseThrow().status())
        .isEqualTo(StepStatus.PENDING);
  }

  @Test
  void shouldSendCompensationsToTheCompensationTopicWhenOneIsGiven() {
    SagaTestKit<Order> kit =
        SagaTestKit.given(fiveSteps())
            .start("s-1", order())
            .succeed("reserve-stock")
            .succeed("charge-card");

    kit.failBusiness("create-shipment", "NO_CARRIER");

    kit.expectLastCommands("charge-card:COMPENSATION");
    assertThat(kit.lastCommands().get(0).topic()).isEqualTo("payments.refunds");
    kit.succeed("charge-card").expectLastCommands("reserve-stock:COMPENSATION");
    assertThat(kit.lastCommands().get(0).topic()).isEqualTo("inventory.commands");
    kit.succeed("reserve-stock").expectStatus(SagaStatus.COMPENSATED);
  }

  @Test
  void shouldEndCompensatedWithoutCommandsWhenTheFirstStepFails() {
    SagaTestKit<Order> kit = SagaTestKit.given(fiveSteps()).start("s-1", order());

    kit.failBusiness("reserve-stock", "OUT_OF_STOCK");

    kit.expectStatus(SagaStatus.COMPENSATED).expectLastCommands();
    assertThat(kit.state().history())
        .extracting(Transition::to)
        .containsExactly(SagaStatus.RUNNING, SagaStatus.COMPENSATING, SagaStatus.COMPENSATED);
  }

  @Test
  void shouldCompensateCompletedBranchesInParallelAndEarlierStepsAfterThem() {
    // Given both branches were sent and the hotel is held
    SagaTestKit<Order> kit =
        SagaTestKit.given(withGroups())
            .start("s-1", order())
            .succeed("reserve-stock")
            .succeed("hold-hotel");

    // When the flight branch fails
    kit.failBusiness("hold-flight", "FULL");

    // Then the hotel is released first; reserve-stock waits for its stage to settle
    kit.expectLastCommands("hold-hotel:COMPENSATION");
    kit.succeed("hold-hotel").expectLastCommands("reserve-stock:COMPENSATION");
    kit.succeed("reserve-stock").expectStatus(SagaStatus.COMPENSATED);
  }

  @Test
  void shouldWaitForAnInFlightBranchAndCompensateItOnceItSucceeds() {
    // Given both branches in flight
    SagaTestKit<Order> kit =
        SagaTestKit.given(withGroups()).start("s-1", order()).succeed("reserve-stock");

    // When the flight fails while the hotel has not answered
    kit.failBusiness("hold-flight", "FULL");

    // Then nothing is compensated yet: the hotel's outcome is unknown
    kit.expectStatus(SagaStatus.COMPENSATING).expectLastCommands();

    // When the hotel succeeds late Then it is compensated, then reserve-stock
    kit.succeed("hold-hotel").expectLastCommands("hold-hotel:COMPENSATION");
    kit.succeed("hold-hotel").expectLastCommands("reserve-stock:COMPENSATION");
  }

  @Test
  void shouldNotCompensateAnInFlightBranchThatFailsAndNeverRetryItDuringRollback() {
    SagaTestKit<Order> kit =
        SagaTestKit.given(withGroups()).start("s-1", order()).succeed("reserve-stock");
    kit.failBusiness("hold-flight", "FULL");

    kit.failRetriably("hold-hotel", "BUSY");

    kit.expectLastCommands("reserve-stock:COMPENSATION");
    assertThat(kit.state().step("hold-hotel").orElseThrow().status()).isEqualTo(StepStatus.FAILED);
  }

  @Test
  void shouldCompensateAnInFlightBranchWhoseTimeoutFiresBecauseItMayHaveApplied() {
    SagaTestKit<Order> kit =
        SagaTestKit.given(withGroups()).start("s-1", order()).succeed("reserve-stock");
    kit.failBusiness("hold-flight", "FULL");

    kit.advance(Fixtures.TIMEOUT);

    kit.expectLastCommands("hold-hotel:COMPENSATION");
    StepState hotel = kit.state().step("hold-hotel").orElseThrow();
    assertThat(hotel.mayHaveApplied()).isTrue();
    assertThat(hotel.status()).isEqualTo(StepStatus.COMPENSATING);
  }

  @Test
  void shouldCompensateAStepThatFailedAfterATimeoutBecauseItsEffectIsUnknown() {
    // Given charge-card timed out once and then failed retriably on the last attempt
    SagaTestKit<Order> kit =
        SagaTestKit.given(fiveSteps()).start("s-1", order()).succeed("reserve-stock");
    kit.advance(Fixtures.TIMEOUT).advance(Duration.ofSeconds(1));
    kit.expectLastCommands("charge-card:ACTION");

    kit.failRetriably("charge-card", "BUSY");

    // Then charge-card is compensated too (attempt 1 may have charged), before reserve-stock
    kit.expectLastCommands("charge-card:COMPENSATION");
    kit.succeed("charge-card").expectLastCommands("reserve-stock:COMPENSATION");
  }

  @Test
  void shouldRetryAFailingCompensationWithBackoffThenParkTheSagaAsStuck() {
    SagaTestKit<Order> kit =
        SagaTestKit.given(fiveSteps()).start("s-1", order()).succeed("reserve-stock");
    kit.failBusiness("charge-card", "DECLINED");

    // When the compensation fails transiently Then it is retried after the back-off
    kit.failRetriably("reserve-stock", "DB_DOWN").expectLastCommands();
    kit.advance(Duration.ofMillis(999)).expectLastCommands();
    kit.advance(Duration.ofMillis(1)).expectLastCommands("reserve-stock:COMPENSATION");
    assertThat(kit.lastCommands().get(0).attempt()).isEqualTo(2);

    // When the last attempt times out Then the saga is STUCK with the reason
    kit.advance(Fixtures.TIMEOUT).expectStatus(SagaStatus.STUCK);
    assertThat(kit.state().stuckReason())
        .hasValueSatisfying(r -> assertThat(r).contains("reserve-stock").contains("TIMEOUT"));
    assertThat(kit.state().step("reserve-stock").orElseThrow().status())
        .isEqualTo(StepStatus.COMPENSATION_FAILED);
  }

  @Test
  void shouldParkAtOnceWhenACompensationFailsForBusinessReasons() {
    SagaTestKit<Order> kit =
        SagaTestKit.given(fiveSteps()).start("s-1", order()).succeed("reserve-stock");
    kit.failBusiness("charge-card", "DECLINED");

    kit.failBusiness("reserve-stock", "ALREADY_SHIPPED");

    kit.expectStatus(SagaStatus.STUCK);
    assertThat(kit.lastDecision().events())
        .extracting(Outbound.LifecycleEvent::eventType)
        .containsExactly(EventType.COMPENSATION_FAILED, EventType.SAGA_STUCK);
  }

  @Test
  void shouldResumeCompensationWhenAnOperatorRetriesTheFailedCompensation() {
    SagaTestKit<Order> kit = stuckInCompensation();

    kit.operator(OperatorAction.RETRY_STEP, Optional.of("reserve-stock"));

    kit.expectStatus(SagaStatus.COMPENSATING).expectLastCommands("reserve-stock:COMPENSATION");
    assertThat(kit.lastCommands().get(0).attempt()).isEqualTo(2);
    kit.succeed("reserve-stock").expectStatus(SagaStatus.COMPENSATED);
    assertThat(kit.state().history())
        .extracting(Transition::to)
        .endsWith(SagaStatus.STUCK, SagaStatus.COMPENSATING, SagaStatus.COMPENSATED);
  }

  @Test
  void shouldEndFailedWhenAnOperatorSkipsAFailedCompensation() {
    SagaTestKit<Order> kit = stuckInCompensation();

    kit.operator(OperatorAction.SKIP_STEP, Optional.of("reserve-stock"));

    kit.expectStatus(SagaStatus.FAILED).expectLastCommands();
    assertThat(kit.state().step("reserve-stock").orElseThrow().status())
        .isEqualTo(StepStatus.COMPENSATION_SKIPPED);
  }

  @Test
  void shouldStayStuckUntilEveryFailedBranchCompensationIsResolved() {
    // Given both branches succeeded and reserve-stock too, then the pivot failed
    SagaTestKit<Order> kit =
        SagaTestKit.given(withGroups())
            .start("s-1", order())
            .succeed("reserve-stock")
            .succeed("hold-hotel")
            .succeed("hold-flight")
            .failBusiness("pay", "DECLINED")
            .expectLastCommands("hold-hotel:COMPENSATION", "hold-flight:COMPENSATION");
    // When both compensations fail for good
    kit.failBusiness("hold-hotel", "X")
        .failBusiness("hold-flight", "Y")
        .expectStatus(SagaStatus.STUCK);

    // Then skipping one keeps the saga STUCK; retrying the other resumes it
    kit.operator(OperatorAction.SKIP_STEP, Optional.of("hold-hotel"))
        .expectStatus(SagaStatus.STUCK);
    kit.operator(OperatorAction.RETRY_STEP, Optional.of("hold-flight"))
        .expectStatus(SagaStatus.COMPENSATING)
        .expectLastCommands("hold-flight:COMPENSATION");
    kit.succeed("hold-flight").expectLastCommands("reserve-stock:COMPENSATION");
    kit.succeed("reserve-stock").expectStatus(SagaStatus.FAILED);
  }

  private static SagaTestKit<Order> stuckInCompensation() {
    return SagaTestKit.given(fiveSteps())
        .start("s-1", order())
        .succeed("reserve-stock")
        .failBusiness("charge-card", "DECLINED")
        .failBusiness("reserve-stock", "LOCKED")
        .expectStatus(SagaStatus.STUCK);
  }
}
