package io.sagaflow.engine;

import static io.sagaflow.engine.Fixtures.order;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sagaflow.engine.DefinitionResolver.Recorded;
import io.sagaflow.engine.Fixtures.Order;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DefinitionResolverTest {
  private static final Instant T0 = Instant.parse("2024-01-01T00:00:00Z");
  private static final SagaDefinition<Order> V1 = version(1);
  private static final SagaDefinition<Order> V2 = version(2);

  private final DefinitionResolver resolver = new DefinitionResolver(SagaRegistry.of(V1, V2));

  private static SagaDefinition<Order> version(int v) {
    return SagaDefinition.builder("order", v, Order.class)
        .step("s", "t", StepKind.PIVOT, s -> s.action(d -> "s"))
        .build();
  }

  private static SagaInput.Start<Order> start(Optional<Integer> version) {
    return new SagaInput.Start<>("s1", "order", version, order(), Optional.empty());
  }

  @Test
  void shouldStartOnTheNamedVersionOrElseTheLatest() {
    assertThat(resolver.forInput(Optional.empty(), start(Optional.of(1))).found()).contains(V1);
    assertThat(resolver.forInput(Optional.empty(), start(Optional.empty())).found()).contains(V2);
  }

  @Test
  void shouldKeepASagaWithStateOnItsRecordedVersionEvenForAStart() {
    Optional<Recorded> onV1 = Optional.of(new Recorded("s1", "order", 1));

    assertThat(resolver.forInput(onV1, start(Optional.of(2))).orElseThrow()).isSameAs(V1);
    assertThat(resolver.forInput(onV1, new SagaInput.Cancel("why")).orElseThrow()).isSameAs(V1);
  }

  @Test
  void shouldFindNoSagaForAnInputOtherThanAStartWithoutState() {
    Resolution resolution = resolver.forInput(Optional.empty(), new SagaInput.Cancel("why"));

    assertThat(resolution).isInstanceOf(Resolution.NoSaga.class);
    assertThat(resolution.found()).isEmpty();
    assertThatThrownBy(resolution::orElseThrow)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("Cancel for a saga that does not exist");
  }

  @Test
  void shouldNameTheRegisteredVersionsWhenAStartNamesAnUnknownOne() {
    Resolution unknownVersion = resolver.forStart(Optional.empty(), "order", Optional.of(9));
    Resolution unknownType = resolver.forStart(Optional.empty(), "refund", Optional.empty());

    assertThat(unknownVersion)
        .isEqualTo(
            new Resolution.UnknownType(
                "No saga type 'order' v9 is registered; registered versions of it: [1, 2]"));
    assertThat(((Resolution.Absent) unknownType).reason())
        .isEqualTo("No saga type 'refund' is registered; registered versions of it: []");
  }

  @Test
  void shouldCallARecordedVersionThatIsNoLongerRegisteredRetired() {
    Resolution resolution = resolver.running(new Recorded("s1", "order", 7));

    assertThat(resolution).isInstanceOf(Resolution.Retired.class);
    assertThatThrownBy(resolution::orElseThrow)
        .hasMessageContaining("Saga s1 runs on order v7, which this deployment does not register");
  }

  @Test
  void shouldDecideAnInputForARetiredVersionAsUnknownSaga() {
    SagaState<?> onV1 =
        SagaEngine.decide(V1, Optional.empty(), start(Optional.of(1)), T0)
            .nextState()
            .orElseThrow();
    DefinitionResolver withoutV1 = new DefinitionResolver(SagaRegistry.of(V2));

    Decision<?> decision =
        SagaEngine.decide(withoutV1, Optional.of(onV1), new SagaInput.Cancel("why"), T0);

    assertThat(decision.verdict()).isEqualTo(InputVerdict.UNKNOWN_SAGA);
    assertThat(decision.reason()).hasValueSatisfying(r -> assertThat(r).contains("v1"));
  }
}
