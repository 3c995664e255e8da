package io.sagaflow.engine;

import static io.sagaflow.engine.Fixtures.fiveSteps;
import static io.sagaflow.engine.Fixtures.order;
import static org.assertj.core.api.Assertions.assertThat;

import io.sagaflow.engine.Fixtures.Order;
import io.sagaflow.testkit.SagaTestKit;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RetryAndRecoveryTest {

  private static SagaTestKit<Order> pastPivot() {
    return SagaTestKit.given(fiveSteps())
        .start("s-1", order())
        .succeed("reserve-stock")
        .succeed("charge-card")
        .succeed("create-shipment");
  }

  @Test
  void shouldRetryARetriableFailureAfterExponentialBackoffAsANewAttempt() {
    SagaTestKit<Order> kit = pastPivot();

    kit.failRetriably("notify-customer", "SMTP_DOWN").expectLastCommands();
    assertThat(kit.state().step("notify-customer").orElseThrow().status())
        .isEqualTo(StepStatus.RETRY_SCHEDULED);
    kit.advance(Duration.ofSeconds(1)).expectLastCommands("notify-customer:ACTION");
    assertThat(kit.lastCommands().get(0).attempt()).isEqualTo(2);
    assertThat(kit.lastCommands().get(0).commandId())
        .isEqualTo(Ids.commandId("s-1", "notify-customer", 2, CommandKind.ACTION));

    // second failure waits twice as long
    kit.failRetriably("notify-customer", "SMTP_DOWN");
    kit.advance(Duration.ofMillis(1999)).expectLastCommands();
    kit.advance(Duration.ofMillis(1)).expectLastCommands("notify-customer:ACTION");
  }

  @Test
  void shouldCountATimeoutAsAnAttempt() {
    SagaTestKit<Order> kit = pastPivot();

    kit.advance(Fixtures.TIMEOUT.plusSeconds(1));

    kit.expectLastCommands("notify-customer:ACTION");
    assertThat(kit.lastCommands().get(0).attempt()).isEqualTo(2);
    assertThat(kit.state().step("notify-customer").orElseThrow().lastError())
        .hasValueSatisfying(e -> assertThat(e.code()).isEqualTo(StepError.TIMEOUT));
  }

  @Test
  void shouldParkAsStuckWhenAStepAfterThePivotRunsOutOfAttempts() {
    SagaTestKit<Order> kit = pastPivot();

    kit.failRetriably("notify-customer", "X")
        .advance(Duration.ofSeconds(1))
        .failRetriably("notify-customer", "X")
        .advance(Duration.ofSeconds(2))
        .failRetriably("notify-customer", "X");

    kit.expectStatus(SagaStatus.STUCK).expectLastCommands();
    assertThat(kit.state().stuckReason())
        .hasValueSatisfying(r -> assertThat(r).contains("notify-customer").contains("3 attempt"));
    assertThat(kit.commands()).noneMatch(c -> c.kind() == CommandKind.COMPENSATION);
  }

  @Test
  void shouldParkAtOnceWhenAStepAfterThePivotFailsForBusinessReasons() {
    SagaTestKit<Order> kit = pastPivot();

    kit.failBusiness("notify-customer", "NO_ADDRESS");

    kit.expectStatus(SagaStatus.STUCK);
    assertThat(kit.commands()).noneMatch(c -> c.kind() == CommandKind.COMPENSATION);
  }

  @Test
  void shouldResumeForwardWhenAnOperatorRetriesOrSkipsTheStuckStep() {
    SagaTestKit<Order> retried = pastPivot().failBusiness("notify-customer", "NO_ADDRESS");
    retried
        .operator(OperatorAction.RETRY_STEP, Optional.of("notify-customer"))
        .expectStatus(SagaStatus.RUNNING)
        .expectLastCommands("notify-customer:ACTION");
    assertThat(retried.lastCommands().get(0).attempt()).isEqualTo(2);
    retried.succeed("notify-customer").succeed("close-order").expectStatus(SagaStatus.COMPLETED);

    SagaTestKit<Order> skipped = pastPivot().failBusiness("notify-customer", "NO_ADDRESS");
    skipped
        .operator(OperatorAction.SKIP_STEP, Optional.of("notify-customer"))
        .expectStatus(SagaStatus.RUNNING)
        .expectLastCommands("close-order:ACTION");
    skipped.succeed("close-order").expectStatus(SagaStatus.COMPLETED);
    assertThat(skipped.state().step("notify-customer").orElseThrow().status())
        .isEqualTo(StepStatus.SKIPPED);
  }

  @Test
  void shouldFailAtOnceOnANonRetriableErrorCode() {
    SagaTestKit<Order> kit =
        SagaTestKit.given(fiveSteps()).start("s-1", order()).succeed("reserve-stock");

    kit.failRetriably("charge-card", "CARD_EXPIRED");

    kit.expectStatus(SagaStatus.COMPENSATING).expectLastCommands("reserve-stock:COMPENSATION");
  }

  @Test
  void shouldTreatAnExhaustedRetriableFailureBeforeThePivotAsAFailure() {
    SagaTestKit<Order> kit =
        SagaTestKit.given(fiveSteps()).start("s-1", order()).succeed("reserve-stock");

    kit.failRetriably("charge-card", "BUSY").advance(Duration.ofSeconds(1));
    kit.expectLastCommands("charge-card:ACTION").failRetriably("charge-card", "BUSY");

    kit.expectStatus(SagaStatus.COMPENSATING).expectLastCommands("reserve-stock:COMPENSATION");
  }

  @Test
  void shouldCompensateEarlierStepsWhenThePivotIsDeclined() {
    SagaTestKit<Order> kit =
        SagaTestKit.given(fiveSteps())
            .start("s-1", order())
            .succeed("reserve-stock")
            .succeed("charge-card");

    kit.failBusiness("create-shipment", "NO_CARRIER");

    kit.expectStatus(SagaStatus.COMPENSATING).expectLastCommands("charge-card:COMPENSATION");
  }

  @Test
  void shouldParkWhenThePivotTimesOutBecauseItsOutcomeIsUnknown() {
    SagaTestKit<Order> kit = pivotTimedOut();

    assertThat(kit.state().stuckReason())
        .hasValueSatisfying(r -> assertThat(r).contains("create-shipment").contains("unknown"));
    assertThat(kit.commands()).noneMatch(c -> c.kind() == CommandKind.COMPENSATION);
  }

  @Test
  void shouldRollBackWhenAnOperatorForcesCompensationOfAStuckPivot() {
    SagaTestKit<Order> kit = pivotTimedOut();

    kit.operator(OperatorAction.FORCE_COMPENSATION, Optional.empty());

    kit.expectStatus(SagaStatus.COMPENSATING).expectLastCommands("charge-card:COMPENSATION");
    kit.succeed("charge-card").succeed("reserve-stock").expectStatus(SagaStatus.COMPENSATED);
  }

  @Test
  void shouldMoveForwardWhenAnOperatorConfirmsTheStuckPivotTookEffect() {
    SagaTestKit<Order> kit = pivotTimedOut();

    kit.operator(OperatorAction.SKIP_STEP, Optional.of("create-shipment"));

    kit.expectStatus(SagaStatus.RUNNING).expectLastCommands("notify-customer:ACTION");
  }

  @Test
  void shouldRefuseForcedCompensationOnceThePivotSucceeded() {
    SagaTestKit<Order> kit = pastPivot().failBusiness("notify-customer", "X");

    kit.operator(OperatorAction.FORCE_COMPENSATION, Optional.empty());

    kit.expectVerdict(InputVerdict.REFUSED).expectStatus(SagaStatus.STUCK);
    assertThat(kit.lastDecision().reason())
        .hasValueSatisfying(r -> assertThat(r).contains("create-shipment"));
  }

  @Test
  void shouldRefuseForcedCompensationWhileAlreadyCompensating() {
    SagaTestKit<Order> kit =
        SagaTestKit.given(fiveSteps())
            .start("s-1", order())
            .succeed("reserve-stock")
            .failBusiness("charge-card", "DECLINED")
            .failBusiness("reserve-stock", "LOCKED");

    kit.operator(OperatorAction.FORCE_COMPENSATION, Optional.empty());

    kit.expectVerdict(InputVerdict.REFUSED);
  }

  @Test
  void shouldRefuseOperatorCommandsForSagasThatAreNotStuck() {
    SagaTestKit<Order> kit = SagaTestKit.given(fiveSteps()).start("s-1", order());

    kit.operator(OperatorAction.RETRY_STEP, Optional.of("reserve-stock"));

    kit.expectVerdict(InputVerdict.REFUSED).expectStatus(SagaStatus.RUNNING).expectLastCommands();
  }

  @Test
  void shouldRejectOperatorStepCommandsWithoutAKnownFailedStep() {
    SagaTestKit<Order> kit = pastPivot().failBusiness("notify-customer", "X");

    kit.operator(OperatorAction.RETRY_STEP, Optional.empty()).expectVerdict(InputVerdict.INVALID);
    kit.operator(OperatorAction.SKIP_STEP, Optional.of("nope"))
        .expectVerdict(InputVerdict.UNKNOWN_STEP);
    kit.operator(OperatorAction.RETRY_STEP, Optional.of("close-order"))
        .expectVerdict(InputVerdict.REFUSED);
    kit.expectStatus(SagaStatus.STUCK);
  }

  @Test
  void shouldKeepRetryingASiblingBranchWhileTheSagaIsStuck() {
    SagaTestKit<Order> kit =
        SagaTestKit.given(Fixtures.withGroups())
            .start("s-1", order())
            .succeed("reserve-stock")
            .succeed("hold-hotel")
            .succeed("hold-flight")
            .succeed("pay");

    kit.failBusiness("email", "BOUNCED").expectStatus(SagaStatus.STUCK);
    kit.failRetriably("sms", "BUSY").advance(Duration.ofSeconds(1));

    kit.expectLastCommands("sms:ACTION").succeed("sms").expectStatus(SagaStatus.STUCK);
    kit.operator(OperatorAction.SKIP_STEP, Optional.of("email")).expectStatus(SagaStatus.COMPLETED);
  }

  private static SagaTestKit<Order> pivotTimedOut() {
    return SagaTestKit.given(fiveSteps())
        .start("s-1", order())
        .succeed("reserve-stock")
        .succeed("charge-card")
        .advance(Fixtures.TIMEOUT)
        .expectStatus(SagaStatus.STUCK);
  }
}
