package io.sagaflow.engine;

import static io.sagaflow.engine.Fixtures.order;
import static org.assertj.core.api.Assertions.assertThat;

import io.sagaflow.engine.Fixtures.Order;
import io.sagaflow.testkit.SagaTestKit;
import org.junit.jupiter.api.Test;

class InvariantTest {

  @Test
  void shouldReportAViolatedInvariantAsViolationAndEventWithoutStoppingTheSaga() {
    SagaDefinition<Order> def =
        Fixtures.fiveStepsBuilder()
            .invariant("amount-positive", s -> s.data().amount() > 0)
            .invariant("never-compensating", s -> s.status() != SagaStatus.COMPENSATING)
            .build();
    SagaTestKit<Order> kit = SagaTestKit.given(def).start("s-1", order()).succeed("reserve-stock");
    assertThat(kit.lastDecision().violations()).isEmpty();

    kit.failBusiness("charge-card", "DECLINED");

    assertThat(kit.lastDecision().violations())
        .extracting(InvariantViolation::name)
        .containsExactly("never-compensating");
    assertThat(kit.lastDecision().events())
        .last()
        .satisfies(
            e -> {
              assertThat(e.eventType()).isEqualTo(EventType.INVARIANT_VIOLATED);
              assertThat(e.reason())
                  .hasValueSatisfying(r -> assertThat(r).startsWith("never-compensating"));
            });
    kit.expectStatus(SagaStatus.COMPENSATING);
  }

  @Test
  void shouldReportAThrowingInvariantAsViolated() {
    SagaDefinition<Order> def =
        Fixtures.fiveStepsBuilder()
            .invariant(
                "broken",
                s -> {
                  throw new IllegalStateException("bad check");
                })
            .build();

    SagaTestKit<Order> kit = SagaTestKit.given(def).start("s-1", order());

    assertThat(kit.lastDecision().violations())
        .singleElement()
        .satisfies(v -> assertThat(v.message()).contains("bad check"));
    kit.expectStatus(SagaStatus.RUNNING);
  }
}
