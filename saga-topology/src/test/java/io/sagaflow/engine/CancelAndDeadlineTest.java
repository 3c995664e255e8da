package io.sagaflow.engine;

import static io.sagaflow.engine.Fixtures.fiveSteps;
import static io.sagaflow.engine.Fixtures.order;
import static org.assertj.core.api.Assertions.assertThat;

import io.sagaflow.engine.Fixtures.Order;
import io.sagaflow.testkit.SagaTestKit;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CancelAndDeadlineTest {

  @Test
  void shouldCompensateCompletedStepsWhenCancelledBeforeThePivot() {
    SagaTestKit<Order> kit =
        SagaTestKit.given(fiveSteps()).start("s-1", order()).succeed("reserve-stock");

    kit.cancel("customer changed their mind");

    // charge-card is in flight: wait for it before compensating anything of the earlier stage
    kit.expectStatus(SagaStatus.COMPENSATING).expectLastCommands();
    kit.succeed("charge-card").expectLastCommands("charge-card:COMPENSATION");
    kit.succeed("charge-card").expectLastCommands("reserve-stock:COMPENSATION");
    kit.succeed("reserve-stock").expectStatus(SagaStatus.COMPENSATED);
    assertThat(kit.state().history().get(1).cause()).contains("customer changed their mind");
  }

  @Test
  void shouldRefuseCancelOnceThePivotWasSent() {
    SagaTestKit<Order> kit =
        SagaTestKit.given(fiveSteps())
            .start("s-1", order())
            .succeed("reserve-stock")
            .succeed("charge-card");

    kit.cancel("too late");

    kit.expectVerdict(InputVerdict.REFUSED).expectStatus(SagaStatus.RUNNING);
    assertThat(kit.lastDecision().reason())
        .hasValueSatisfying(r -> assertThat(r).contains("create-shipment").contains("PIVOT"));
  }

  @Test
  void shouldRefuseCancelWhileCompensatingOrStuck() {
    SagaTestKit<Order> kit =
        SagaTestKit.given(fiveSteps())
            .start("s-1", order())
            .succeed("reserve-stock")
            .failBusiness("charge-card", "DECLINED");
    kit.cancel("again").expectVerdict(InputVerdict.REFUSED);

    kit.failBusiness("reserve-stock", "LOCKED").cancel("again");

    kit.expectVerdict(InputVerdict.REFUSED);
    assertThat(kit.lastDecision().reason())
        .hasValueSatisfying(r -> assertThat(r).contains("RETRY_STEP"));
  }

  @Test
  void shouldCompensateLikeACancelWhenTheDeadlinePassesBeforeThePivot() {
    SagaTestKit<Order> kit =
        SagaTestKit.given(Fixtures.fiveStepsBuilder().deadline(Duration.ofSeconds(5)).build())
            .start("s-1", order())
            .succeed("reserve-stock")
            .succeed("charge-card");
    SagaTestKit<Order> early =
        SagaTestKit.given(Fixtures.fiveStepsBuilder().deadline(Duration.ofSeconds(5)).build())
            .start("s-1", order())
            .succeed("reserve-stock");

    // When the deadline passes while charge-card is in flight
    early.advance(Duration.ofSeconds(5));

    // Then the saga rolls back, waiting for the in-flight step
    early.expectStatus(SagaStatus.COMPENSATING);
    assertThat(early.state().history().get(1).cause()).contains("deadline");
    // And a saga that already sent its pivot no longer has a deadline timer
    assertThat(kit.state().pendingTimers())
        .extracting(Timer::kind)
        .doesNotContain(TimerKind.DEADLINE);
    kit.advance(Duration.ofSeconds(6)).expectStatus(SagaStatus.RUNNING).expectLastCommands();
  }

  @Test
  void shouldCancelTheDeadlineTimerWhenTheSagaEnds() {
    SagaTestKit<Order> kit =
        SagaTestKit.given(Fixtures.fiveStepsBuilder().deadline(Duration.ofMinutes(5)).build())
            .start("s-1", order());

    kit.failBusiness("reserve-stock", "NONE");

    kit.expectStatus(SagaStatus.COMPENSATED);
    assertThat(kit.lastDecision().timerChanges())
        .anySatisfy(
            c -> {
              assertThat(c).isInstanceOf(TimerChange.Cancel.class);
              assertThat(c.timer().kind()).isEqualTo(TimerKind.DEADLINE);
            });
    assertThat(kit.state().pendingTimers()).isEmpty();
  }
}
