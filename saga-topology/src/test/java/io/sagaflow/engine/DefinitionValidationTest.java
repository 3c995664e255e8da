package io.sagaflow.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sagaflow.engine.Fixtures.Order;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DefinitionValidationTest {

  private static SagaDefinition.Builder<Order> saga() {
    return SagaDefinition.builder("order", 1, Order.class);
  }

  private static StepDefinition.Builder<Order> comp(StepDefinition.Builder<Order> s) {
    return s.action(d -> "do").compensation(d -> "undo");
  }

  private static StepDefinition.Builder<Order> plain(StepDefinition.Builder<Order> s) {
    return s.action(d -> "do");
  }

  private static StepDefinition.Builder<Order> retried(StepDefinition.Builder<Order> s) {
    return s.action(d -> "do").retry(Fixtures.THREE_TRIES);
  }

  private static void rejects(SagaDefinition.Builder<Order> builder, String... fragments) {
    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContainingAll(fragments);
  }

  @Test
  void shouldRejectACompensatableStepWithoutCompensation() {
    rejects(
        saga().step("reserve", "t", StepKind.COMPENSATABLE, DefinitionValidationTest::plain),
        "step 'reserve'",
        "no compensation");
  }

  @Test
  void shouldRejectACompensatableStepAfterThePivot() {
    rejects(
        saga()
            .step("pay", "t", StepKind.PIVOT, DefinitionValidationTest::plain)
            .step("reserve", "t", StepKind.COMPENSATABLE, DefinitionValidationTest::comp),
        "step 'reserve'",
        "after pivot 'pay'");
  }

  @Test
  void shouldRejectARetriableStepBeforeThePivot() {
    rejects(
        saga()
            .step("notify", "t", StepKind.RETRIABLE, DefinitionValidationTest::retried)
            .step("pay", "t", StepKind.PIVOT, DefinitionValidationTest::plain),
        "step 'notify'",
        "before pivot 'pay'");
  }

  @Test
  void shouldRejectACompensatableStepAfterARetriableOne() {
    rejects(
        saga()
            .step("notify", "t", StepKind.RETRIABLE, DefinitionValidationTest::retried)
            .step("reserve", "t", StepKind.COMPENSATABLE, DefinitionValidationTest::comp),
        "step 'reserve'",
        "after retriable step 'notify'");
  }

  @Test
  void shouldRejectDuplicateStepNames() {
    rejects(
        saga()
            .step("a", "t", StepKind.COMPENSATABLE, DefinitionValidationTest::comp)
            .step("a", "t", StepKind.PIVOT, DefinitionValidationTest::plain),
        "step 'a'",
        "defined twice");
  }

  @Test
  void shouldRejectARetriableStepWithoutRetryPolicy() {
    rejects(
        saga().step("notify", "t", StepKind.RETRIABLE, DefinitionValidationTest::plain),
        "step 'notify'",
        "no retry policy");
  }

  @Test
  void shouldRejectASecondPivotAndAPivotInAGroup() {
    rejects(
        saga()
            .step("p1", "t", StepKind.PIVOT, DefinitionValidationTest::plain)
            .step("p2", "t", StepKind.PIVOT, DefinitionValidationTest::plain),
        "step 'p2'",
        "second pivot");
    rejects(
        saga()
            .parallel(
                g ->
                    g.step("p1", "t", StepKind.PIVOT, DefinitionValidationTest::plain)
                        .step("p2", "t", StepKind.PIVOT, DefinitionValidationTest::plain)),
        "step 'p1'",
        "parallel group");
  }

  @Test
  void shouldRejectGroupsThatMixKindsOrHaveFewerThanTwoSteps() {
    rejects(
        saga()
            .parallel(
                g ->
                    g.step("a", "t", StepKind.COMPENSATABLE, DefinitionValidationTest::comp)
                        .step("b", "t", StepKind.RETRIABLE, DefinitionValidationTest::retried)),
        "[a, b]",
        "mixes step kinds");
    assertThatThrownBy(
            () ->
                saga()
                    .parallel(
                        g ->
                            g.step(
                                "a", "t", StepKind.COMPENSATABLE, DefinitionValidationTest::comp)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[a] needs at least two steps");
  }

  @Test
  void shouldRejectNonsensicalSagaSettings() {
    rejects(saga(), "has no steps");
    rejects(
        SagaDefinition.builder(" ", 1, Order.class)
            .step("a", "t", StepKind.PIVOT, DefinitionValidationTest::plain),
        "saga type");
    rejects(
        SagaDefinition.builder("o", 0, Order.class)
            .step("a", "t", StepKind.PIVOT, DefinitionValidationTest::plain),
        "version");
    rejects(
        saga()
            .step("a", "t", StepKind.PIVOT, DefinitionValidationTest::plain)
            .deadline(Duration.ZERO),
        "deadline");
    rejects(
        saga()
            .step("a", "t", StepKind.PIVOT, DefinitionValidationTest::plain)
            .invariant("i", s -> true)
            .invariant("i", s -> true),
        "duplicate invariant name 'i'");
    rejects(
        saga()
            .step("a", "t", StepKind.PIVOT, DefinitionValidationTest::plain)
            .invariant(" ", s -> true),
        "blank name");
  }

  @Test
  void shouldRejectNonsensicalStepSettings() {
    rejects(saga().step(" ", "t", StepKind.PIVOT, DefinitionValidationTest::plain), "blank name");
    rejects(
        saga().step("a", " ", StepKind.PIVOT, DefinitionValidationTest::plain),
        "step 'a'",
        "blank command topic");
    rejects(
        saga().step("a", "t", StepKind.COMPENSATABLE, s -> comp(s).compensationTopic(" ")),
        "blank compensation topic");
    rejects(
        saga().step("a", "t", StepKind.PIVOT, s -> s.action(d -> "x").timeout(Duration.ZERO)),
        "step 'a'",
        "positive timeout");
    rejects(
        saga().step("a", "t", StepKind.PIVOT, s -> s.action(d -> "x").compensation(d -> "y")),
        "step 'a'",
        "never compensated");
    assertThatThrownBy(() -> saga().step("a", "t", StepKind.PIVOT, s -> s))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("step 'a' has no action");
  }

  @Test
  void shouldExposeStagesInOrderForAValidDefinition() {
    SagaDefinition<Order> def = Fixtures.withGroups();

    assertThat(def.stages()).hasSize(4);
    assertThat(def.steps())
        .extracting(StepDefinition::name)
        .containsExactly("reserve-stock", "hold-hotel", "hold-flight", "pay", "email", "sms");
    assertThat(def.stageOf(2)).isEqualTo(1);
    assertThat(def.indexOf("pay")).contains(3);
    assertThat(def.indexOf("none")).isEmpty();
    assertThat(def).hasToString("SagaDefinition[trip v1, 6 steps]");
    assertThat(def.steps().get(0).effectiveCompensationTopic()).isEqualTo("inventory.commands");
    assertThat(def.steps().get(3).effectiveRetryPolicy()).isEqualTo(RetryPolicy.none());
  }

  @Test
  void shouldBuildStepsOutsideASagaForReuse() {
    StepDefinition<Order> step =
        StepDefinition.<Order>builder("pay", "payments", StepKind.PIVOT).action(d -> "pay").build();

    SagaDefinition<Order> def =
        saga()
            .step(step)
            .parallel(
                g ->
                    g.step(
                            StepDefinition.<Order>builder("a", "t", StepKind.RETRIABLE)
                                .action(d -> "a")
                                .retry(Fixtures.THREE_TRIES)
                                .build())
                        .step("b", "t", StepKind.RETRIABLE, DefinitionValidationTest::retried))
            .build();

    assertThat(def.steps()).extracting(StepDefinition::name).containsExactly("pay", "a", "b");
    assertThat(def.steps().get(0).timeout()).isEqualTo(StepDefinition.DEFAULT_TIMEOUT);
  }
}
