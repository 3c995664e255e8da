package io.sagaflow.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sagaflow.engine.Fixtures;
import io.sagaflow.engine.Fixtures.Order;
import io.sagaflow.engine.InputVerdict;
import io.sagaflow.engine.SagaStatus;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SagaTestKitTest {

  @Test
  void shouldFailExpectationsWithTheSagaStateInTheMessage() {
    SagaTestKit<Order> kit = SagaTestKit.given(Fixtures.fiveSteps()).start("s-1", Fixtures.order());

    assertThatThrownBy(() -> kit.expectStatus(SagaStatus.COMPLETED))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("expected status COMPLETED but was RUNNING")
        .hasMessageContaining("state:");
    assertThatThrownBy(() -> kit.expectVerdict(InputVerdict.DUPLICATE))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("but was APPLIED");
    assertThatThrownBy(() -> kit.expectLastCommands("charge-card:ACTION"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("[reserve-stock:ACTION]");
    assertThatThrownBy(() -> kit.succeed("close-order"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("no command was sent for step 'close-order'");
  }

  @Test
  void shouldFailToReadStateOrDecisionsBeforeTheFirstInput() {
    SagaTestKit<Order> kit = SagaTestKit.given(Fixtures.fiveSteps());

    assertThatThrownBy(kit::state).hasMessageContaining("has not started");
    assertThatThrownBy(kit::lastDecision).hasMessageContaining("no input");
  }

  @Test
  void shouldFireDueTimersInOrderAtTheirDueTimesAndStopAtTheEnd() {
    Instant start = Instant.parse("2030-05-01T10:00:00Z");
    SagaTestKit<Order> kit =
        SagaTestKit.given(Fixtures.fiveSteps()).at(start).start("s-1", Fixtures.order());

    // reserve-stock times out (it may have applied, so it is compensated); both compensation
    // attempts time out as well, and the parked saga has nothing left to fire
    kit.advance(Duration.ofHours(1));

    kit.expectStatus(SagaStatus.STUCK)
        .expectLastCommands("reserve-stock:COMPENSATION", "reserve-stock:COMPENSATION");
    assertThat(kit.now()).isEqualTo(start.plus(Duration.ofHours(1)));
    assertThat(kit.decisions()).hasSize(5);
    assertThat(kit.decisions().get(1).nextState().orElseThrow().updatedAt())
        .isEqualTo(start.plus(Fixtures.TIMEOUT));
    assertThat(kit.commands()).hasSize(3);
    assertThat(kit.state().pendingTimers()).isEmpty();
  }
}
