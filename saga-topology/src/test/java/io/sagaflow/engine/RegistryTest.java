package io.sagaflow.engine;

import static io.sagaflow.engine.Fixtures.order;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sagaflow.engine.Fixtures.Order;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RegistryTest {
  private static final Instant T0 = Instant.parse("2024-01-01T00:00:00Z");

  private static SagaDefinition<Order> version(int v, String firstStep) {
    return SagaDefinition.builder("order", v, Order.class)
        .step(firstStep, "t", StepKind.PIVOT, s -> s.action(d -> firstStep))
        .build();
  }

  private final SagaRegistry registry = SagaRegistry.of(version(1, "old"), version(2, "new"));

  @Test
  void shouldStartOnTheLatestVersionUnlessOneIsNamed() {
    Decision<?> latest =
        SagaEngine.decide(
            registry,
            Optional.empty(),
            new SagaInput.Start<>("s", "order", Optional.empty(), order(), Optional.empty()),
            T0);
    Decision<?> named =
        SagaEngine.decide(
            registry,
            Optional.empty(),
            new SagaInput.Start<>("s", "order", Optional.of(1), order(), Optional.empty()),
            T0);

    assertThat(latest.nextState().orElseThrow().definitionVersion()).isEqualTo(2);
    assertThat(latest.commands().get(0).step()).isEqualTo("new");
    assertThat(named.nextState().orElseThrow().definitionVersion()).isEqualTo(1);
    assertThat(registry.versions("order")).containsExactly(1, 2);
  }

  @Test
  void shouldKeepARunningSagaOnTheVersionItStartedWith() {
    SagaState<?> onV1 =
        SagaEngine.decide(
                registry,
                Optional.empty(),
                new SagaInput.Start<>("s", "order", Optional.of(1), order(), Optional.empty()),
                T0)
            .nextState()
            .orElseThrow();
    SagaRegistry upgraded = registry.with(version(3, "newest"));

    Decision<?> decision =
        SagaEngine.decide(
            upgraded,
            Optional.of(onV1),
            new SagaInput.StepReply(
                "old",
                1,
                Ids.commandId("s", "old", 1, CommandKind.ACTION),
                Outcome.Succeeded.empty()),
            T0);

    assertThat(decision.verdict()).isEqualTo(InputVerdict.APPLIED);
    assertThat(decision.nextState().orElseThrow().status()).isEqualTo(SagaStatus.COMPLETED);
    assertThat(decision.nextState().orElseThrow().definitionVersion()).isEqualTo(1);
  }

  @Test
  void shouldReportUnregisteredTypesAndMissingSagasAsUnknown() {
    assertThat(
            SagaEngine.decide(
                    registry,
                    Optional.empty(),
                    new SagaInput.Start<>("s", "nope", Optional.empty(), order(), Optional.empty()),
                    T0)
                .verdict())
        .isEqualTo(InputVerdict.UNKNOWN_SAGA);
    assertThat(
            SagaEngine.decide(registry, Optional.empty(), new SagaInput.Cancel("x"), T0).verdict())
        .isEqualTo(InputVerdict.UNKNOWN_SAGA);
  }

  @Test
  void shouldRefuseRegisteringTheSameVersionTwice() {
    assertThatThrownBy(() -> registry.with(version(2, "again")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'order' v2 is already registered");
    assertThat(registry.find("order", 9)).isEmpty();
    assertThat(registry.latest("none")).isEmpty();
  }
}
