package io.sagaflow.engine;

import static io.sagaflow.engine.Fixtures.fiveSteps;
import static io.sagaflow.engine.Fixtures.order;
import static org.assertj.core.api.Assertions.assertThat;

import io.sagaflow.engine.Fixtures.Order;
import io.sagaflow.testkit.SagaTestKit;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class InputClassificationTest {
  private static final Instant T0 = Instant.parse("2024-01-01T00:00:00Z");

  private static SagaInput.StepReply success(String step, int attempt, CommandKind kind) {
    return new SagaInput.StepReply(
        step, attempt, Ids.commandId("s-1", step, attempt, kind), Outcome.Succeeded.empty());
  }

  @Test
  void shouldReportARedeliveredReplyAsDuplicateAndChangeNothing() {
    SagaTestKit<Order> kit = SagaTestKit.given(fiveSteps()).start("s-1", order());
    kit.succeed("reserve-stock");
    SagaState<Order> before = kit.state();

    kit.feed(success("reserve-stock", 1, CommandKind.ACTION));

    kit.expectVerdict(InputVerdict.DUPLICATE);
    assertThat(kit.lastDecision().nextState()).isEmpty();
    assertThat(kit.lastDecision().outbound()).isEmpty();
    assertThat(kit.state()).isEqualTo(before);
  }

  @Test
  void shouldReportAReplyToASupersededAttemptAsStale() {
    SagaTestKit<Order> kit =
        SagaTestKit.given(fiveSteps()).start("s-1", order()).succeed("reserve-stock");
    kit.failRetriably("charge-card", "BUSY").advance(Duration.ofSeconds(1));

    kit.feed(success("charge-card", 1, CommandKind.ACTION));

    kit.expectVerdict(InputVerdict.STALE_ATTEMPT);
  }

  @Test
  void shouldReportALateReplyAfterItsTimeoutAsStale() {
    SagaTestKit<Order> kit =
        SagaTestKit.given(fiveSteps()).start("s-1", order()).succeed("reserve-stock");
    kit.advance(Fixtures.TIMEOUT);

    kit.feed(success("charge-card", 1, CommandKind.ACTION));

    kit.expectVerdict(InputVerdict.STALE_ATTEMPT);
    assertThat(kit.lastDecision().reason())
        .hasValueSatisfying(r -> assertThat(r).contains("timed out"));
  }

  @Test
  void shouldRejectRepliesToCommandsThatWereNeverSent() {
    SagaTestKit<Order> kit = SagaTestKit.given(fiveSteps()).start("s-1", order());

    kit.feed(success("reserve-stock", 2, CommandKind.ACTION)).expectVerdict(InputVerdict.INVALID);
    kit.feed(
            new SagaInput.StepReply(
                "reserve-stock", 1, UUID.randomUUID(), Outcome.Succeeded.empty()))
        .expectVerdict(InputVerdict.INVALID);
    kit.feed(success("no-such-step", 1, CommandKind.ACTION))
        .expectVerdict(InputVerdict.UNKNOWN_STEP);
    kit.expectStatus(SagaStatus.RUNNING);
  }

  @Test
  void shouldRejectAResultOfTheWrongType() {
    SagaTestKit<Order> kit = SagaTestKit.given(fiveSteps()).start("s-1", order());

    kit.succeed("reserve-stock", 42);

    kit.expectVerdict(InputVerdict.INVALID);
    assertThat(kit.lastDecision().reason())
        .hasValueSatisfying(r -> assertThat(r).contains("Integer").contains("Reserved"));
    assertThat(kit.state().step("reserve-stock").orElseThrow().status())
        .isEqualTo(StepStatus.AWAITING_REPLY);
  }

  @Test
  void shouldReportInputsForAMissingSagaAsUnknown() {
    Decision<Order> decision =
        SagaEngine.decide(
            fiveSteps(), Optional.empty(), success("reserve-stock", 1, CommandKind.ACTION), T0);

    assertThat(decision.verdict()).isEqualTo(InputVerdict.UNKNOWN_SAGA);
    assertThat(decision.nextState()).isEmpty();
  }

  @Test
  void shouldReportInputsAfterTheEndAsAfterEnd() {
    SagaTestKit<Order> kit = SagaTestKit.given(fiveSteps()).start("s-1", order());
    kit.failBusiness("reserve-stock", "NONE").expectStatus(SagaStatus.COMPENSATED);

    kit.feed(success("reserve-stock", 1, CommandKind.ACTION)).expectVerdict(InputVerdict.AFTER_END);
    kit.cancel("late").expectVerdict(InputVerdict.AFTER_END);
  }

  @Test
  void shouldReportRepliesRedeliveredAfterTheEndAsDuplicates() {
    SagaTestKit<Order> kit = SagaTestKit.given(fiveSteps()).start("s-1", order());
    kit.succeed("reserve-stock").failBusiness("charge-card", "DECLINED");
    kit.succeed("reserve-stock").expectStatus(SagaStatus.COMPENSATED);
    SagaState<Order> ended = kit.state();

    kit.feed(success("reserve-stock", 1, CommandKind.ACTION)).expectVerdict(InputVerdict.DUPLICATE);
    kit.feed(success("reserve-stock", 1, CommandKind.COMPENSATION))
        .expectVerdict(InputVerdict.DUPLICATE);
    kit.feed(
            new SagaInput.StepReply(
                "charge-card",
                1,
                Ids.commandId("s-1", "charge-card", 1, CommandKind.ACTION),
                new Outcome.BusinessFailure("DECLINED", "declined again")))
        .expectVerdict(InputVerdict.DUPLICATE);
    assertThat(kit.lastDecision().reason())
        .hasValueSatisfying(r -> assertThat(r).contains("after saga 's-1' ended COMPENSATED"));
    assertThat(kit.lastDecision().outbound()).isEmpty();
    assertThat(kit.state()).isEqualTo(ended);
  }

  @Test
  void shouldDeadLetterRepliesAfterTheEndThatContradictTheRecord() {
    SagaTestKit<Order> kit = SagaTestKit.given(fiveSteps()).start("s-1", order());
    kit.succeed("reserve-stock").failBusiness("charge-card", "DECLINED");
    kit.succeed("reserve-stock").expectStatus(SagaStatus.COMPENSATED);

    kit.feed(success("charge-card", 1, CommandKind.ACTION)).expectVerdict(InputVerdict.AFTER_END);
    kit.feed(
            new SagaInput.StepReply(
                "reserve-stock",
                1,
                Ids.commandId("s-1", "reserve-stock", 1, CommandKind.COMPENSATION),
                new Outcome.RetriableFailure("BUSY", "not the recorded outcome")))
        .expectVerdict(InputVerdict.AFTER_END);
    kit.feed(success("create-shipment", 1, CommandKind.ACTION))
        .expectVerdict(InputVerdict.AFTER_END);
    kit.feed(success("no-such-step", 1, CommandKind.ACTION)).expectVerdict(InputVerdict.AFTER_END);
    kit.feed(
            new SagaInput.StepReply(
                "reserve-stock", 1, UUID.randomUUID(), Outcome.Succeeded.empty()))
        .expectVerdict(InputVerdict.AFTER_END);
  }

  @Test
  void shouldReportAReplyToASupersededAttemptAfterTheEndAsStale() {
    SagaTestKit<Order> kit =
        SagaTestKit.given(fiveSteps()).start("s-1", order()).succeed("reserve-stock");
    kit.failRetriably("charge-card", "BUSY").advance(Duration.ofSeconds(1));
    kit.succeed("charge-card").succeed("create-shipment").succeed("notify-customer");
    kit.succeed("close-order").expectStatus(SagaStatus.COMPLETED);

    kit.feed(success("charge-card", 1, CommandKind.ACTION))
        .expectVerdict(InputVerdict.STALE_ATTEMPT);
    kit.feed(success("charge-card", 2, CommandKind.ACTION)).expectVerdict(InputVerdict.DUPLICATE);
    kit.feed(
            new SagaInput.StepReply(
                "charge-card",
                1,
                Ids.commandId("s-1", "charge-card", 1, CommandKind.ACTION),
                new Outcome.RetriableFailure("BUSY", "redelivered")))
        .expectVerdict(InputVerdict.STALE_ATTEMPT);
  }

  @Test
  void shouldReportAStartForAnExistingSagaAsDuplicate() {
    SagaTestKit<Order> kit = SagaTestKit.given(fiveSteps()).start("s-1", order());

    kit.start("s-1", order());

    kit.expectVerdict(InputVerdict.DUPLICATE);
    assertThat(kit.commands()).hasSize(1);
  }

  @Test
  void shouldRejectAStartThatDoesNotMatchTheDefinition() {
    SagaDefinition<Order> def = fiveSteps();
    assertThat(
            start(
                def,
                new SagaInput.Start<>("s", "other", Optional.empty(), order(), Optional.empty())))
        .isEqualTo(InputVerdict.INVALID);
    assertThat(
            start(
                def,
                new SagaInput.Start<>("s", def.type(), Optional.of(2), order(), Optional.empty())))
        .isEqualTo(InputVerdict.INVALID);
    assertThat(
            start(
                def,
                new SagaInput.Start<>(
                    " ", def.type(), Optional.empty(), order(), Optional.empty())))
        .isEqualTo(InputVerdict.INVALID);
    assertThat(
            start(
                def,
                new SagaInput.Start<>("s", def.type(), Optional.empty(), "text", Optional.empty())))
        .isEqualTo(InputVerdict.INVALID);
    assertThat(
            start(
                def,
                new SagaInput.Start<>("s", def.type(), Optional.of(1), order(), Optional.empty())))
        .isEqualTo(InputVerdict.APPLIED);
  }

  @Test
  void shouldRejectStateDecidedWithAnotherDefinitionVersion() {
    SagaTestKit<Order> kit = SagaTestKit.given(fiveSteps()).start("s-1", order());
    SagaDefinition<Order> v2 =
        SagaDefinition.builder("order-fulfilment", 2, Order.class)
            .step("x", "t", StepKind.PIVOT, s -> s.action(d -> "x"))
            .build();

    Decision<Order> decision =
        SagaEngine.decide(v2, Optional.of(kit.state()), new SagaInput.Cancel("c"), T0);

    assertThat(decision.verdict()).isEqualTo(InputVerdict.INVALID);
  }

  @Test
  void shouldReportATimerThatIsNoLongerPendingAsStale() {
    SagaTestKit<Order> kit = SagaTestKit.given(fiveSteps()).start("s-1", order());
    Timer timeout = kit.state().pendingTimers().get(0);
    kit.succeed("reserve-stock");

    kit.feed(new SagaInput.TimerFired(timeout));

    kit.expectVerdict(InputVerdict.STALE_ATTEMPT);
  }

  private static InputVerdict start(SagaDefinition<Order> def, SagaInput.Start<?> start) {
    return SagaEngine.decide(def, Optional.empty(), start, T0).verdict();
  }
}
