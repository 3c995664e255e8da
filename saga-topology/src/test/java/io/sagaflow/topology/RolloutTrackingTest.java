package io.sagaflow.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.sagaflow.contract.Rollout;
import io.sagaflow.contract.RolloutFigures;
import io.sagaflow.contract.SagaEvent;
import io.sagaflow.contract.SagaEventType;
import java.time.Instant;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The figures a rollout shows, counted from the lifecycle events of the sagas it placed: each saga
 * ends once in its version's figures, however many events about its end arrive.
 */
class RolloutTrackingTest {
  private static final String TYPE = "canary-order";
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private KeyValueStore<String, String> store;
  private RolloutTracking tracking;
  private Rollout rollout;

  @BeforeEach
  void setUp() {
    MockProcessorContext<String, Object> context = new MockProcessorContext<>();
    store =
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(RolloutTopology.TRACKING_STORE),
                Serdes.String(),
                Serdes.String())
            .withLoggingDisabled()
            .build();
    store.init(context.getStateStoreContext(), store);
    tracking = new RolloutTracking(store);
    rollout = rollout(null);
  }

  @Test
  void shouldIgnoreSagasAnotherRolloutOrNoRolloutPlaced() {
    Rollout after =
        observe(
            event("old", SagaEventType.SAGA_STARTED, 2)
                .setRolloutId("r-0")
                .setRolloutRole("CANDIDATE"));
    after = observe(after, event("old", SagaEventType.SAGA_FAILED, 2));
    after = observe(after, event("untracked", SagaEventType.SAGA_COMPLETED, 1));

    assertThat(after).isEqualTo(rollout);
    assertThat(tracking.runningCandidates(TYPE)).isEmpty();
  }

  @Test
  void shouldCountEachEndingOfAPlacedSagaInItsOwnVersion() {
    Rollout figures = placed("c-1", "CANDIDATE");
    figures = placed(figures, "c-2", "CANDIDATE");
    figures = placed(figures, "c-3", "CANDIDATE");
    figures = placed(figures, "s-1", "STABLE");
    figures = placed(figures, "s-2", "STABLE");

    figures = observe(figures, event("c-1", SagaEventType.SAGA_COMPLETED, 2));
    figures = observe(figures, event("c-2", SagaEventType.SAGA_COMPENSATED, 2));
    figures = observe(figures, event("c-3", SagaEventType.SAGA_FAILED, 2));
    figures = observe(figures, event("s-1", SagaEventType.SAGA_FAILED, 1));

    assertThat(figures.getCandidate())
        .extracting(
            RolloutFigures::getStarted, RolloutFigures::getCompleted, RolloutFigures::getFailed)
        .containsExactly(3L, 1L, 2L);
    assertThat(figures.getStable())
        .extracting(
            RolloutFigures::getStarted, RolloutFigures::getCompleted, RolloutFigures::getFailed)
        .containsExactly(2L, 0L, 1L);
    // an ended saga is forgotten: a late duplicate of its end changes nothing
    assertThat(observe(figures, event("c-1", SagaEventType.SAGA_COMPLETED, 2))).isEqualTo(figures);
  }

  @Test
  void shouldCountAStuckSagaAsFailedOnceEvenWhenItLaterEnds() {
    Rollout figures = placed("c-1", "CANDIDATE");
    figures = placed(figures, "c-2", "CANDIDATE");
    assertThat(tracking.runningCandidates(TYPE)).containsExactly("c-1", "c-2");

    figures = observe(figures, event("c-1", SagaEventType.SAGA_STUCK, 2));
    assertThat(figures.getCandidate().getFailed()).isEqualTo(1L);
    // a stuck saga is no longer a running candidate a rollback could cancel
    assertThat(tracking.runningCandidates(TYPE)).containsExactly("c-2");

    Rollout again = observe(figures, event("c-1", SagaEventType.SAGA_STUCK, 2));
    assertThat(again).isEqualTo(figures);
    Rollout completed = observe(figures, event("c-1", SagaEventType.SAGA_COMPLETED, 2));
    assertThat(completed).isEqualTo(figures);

    figures = placed(figures, "c-3", "CANDIDATE");
    Rollout stuck = observe(figures, event("c-3", SagaEventType.SAGA_STUCK, 2));
    Rollout stuckThenFailed = observe(stuck, event("c-3", SagaEventType.SAGA_FAILED, 2));
    assertThat(stuckThenFailed).isEqualTo(stuck);
    assertThat(stuckThenFailed.getCandidate().getFailed()).isEqualTo(2L);
    assertThat(stuckThenFailed.getCandidate().getCompleted()).isZero();
  }

  @Test
  void shouldCountViolationsByVersionWhetherTheSagaWasPlacedOrNot() {
    Rollout figures = observe(event("pinned-2", SagaEventType.INVARIANT_VIOLATED, 2));
    figures = observe(figures, event("pinned-1", SagaEventType.INVARIANT_VIOLATED, 1));
    figures = observe(figures, event("pinned-1", SagaEventType.INVARIANT_VIOLATED, 1));

    assertThat(figures.getCandidate().getInvariantViolations()).isEqualTo(1L);
    assertThat(figures.getStable().getInvariantViolations()).isEqualTo(2L);
  }

  @Test
  void shouldCountAStepOverTheBudgetAsSlowAndOneAtTheBudgetAsNot() {
    rollout = rollout(2_000L);
    Rollout figures = placed("c-1", "CANDIDATE");

    figures = observe(figures, step("c-1", SagaEventType.STEP_STARTED, "reserve", 1, 0));
    figures = observe(figures, step("c-1", SagaEventType.STEP_SUCCEEDED, "reserve", 1, 2_000));
    figures = observe(figures, step("c-1", SagaEventType.STEP_STARTED, "charge", 1, 3_000));
    figures = observe(figures, step("c-1", SagaEventType.STEP_RETRY_SCHEDULED, "charge", 1, 5_001));
    figures = observe(figures, step("c-1", SagaEventType.STEP_STARTED, "charge", 2, 6_000));
    figures = observe(figures, step("c-1", SagaEventType.STEP_FAILED, "charge", 2, 6_500));

    assertThat(figures.getCandidate().getSteps()).isEqualTo(3L);
    assertThat(figures.getCandidate().getSlowSteps()).isEqualTo(1L);
    assertThat(figures.getStable().getSteps()).isZero();
  }

  @Test
  void shouldCountStepsButNoneSlowWithoutABudget() {
    Rollout figures = placed("s-1", "STABLE");

    figures = observe(figures, step("s-1", SagaEventType.STEP_STARTED, "reserve", 1, 0));
    figures = observe(figures, step("s-1", SagaEventType.STEP_SUCCEEDED, "reserve", 1, 60_000));

    assertThat(figures.getStable().getSteps()).isEqualTo(1L);
    assertThat(figures.getStable().getSlowSteps()).isZero();
  }

  @Test
  void shouldIgnoreAStepResultWhoseCommandItDidNotSeeAndEventsThatTellNothing() {
    Rollout figures = placed("c-1", "CANDIDATE");

    Rollout after = observe(figures, step("c-1", SagaEventType.STEP_SUCCEEDED, "reserve", 1, 10));
    after = observe(after, event("c-1", SagaEventType.COMPENSATION_STARTED, 2));

    assertThat(after).isEqualTo(figures);
  }

  @Test
  void shouldForgetEverySagaAndStepOfTheTypeWhenCleared() {
    Rollout figures = placed("c-1", "CANDIDATE");
    figures = placed(figures, "s-1", "STABLE");
    figures = observe(figures, step("c-1", SagaEventType.STEP_STARTED, "reserve", 1, 0));
    store.put("s\u0000other-type\u0000x-1", "CANDIDATE");

    tracking.clear(TYPE);

    assertThat(tracking.runningCandidates(TYPE)).isEmpty();
    assertThat(observe(figures, step("c-1", SagaEventType.STEP_SUCCEEDED, "reserve", 1, 10)))
        .isEqualTo(figures);
    assertThat(tracking.runningCandidates("other-type")).containsExactly("x-1");
  }

  private Rollout placed(String sagaId, String role) {
    return placed(rollout, sagaId, role);
  }

  private Rollout placed(Rollout current, String sagaId, String role) {
    return observe(
        current,
        event(sagaId, SagaEventType.SAGA_STARTED, role.equals("CANDIDATE") ? 2 : 1)
            .setRolloutId("r-1")
            .setRolloutRole(role));
  }

  private Rollout observe(SagaEvent.Builder event) {
    return observe(rollout, event);
  }

  private Rollout observe(Rollout current, SagaEvent.Builder event) {
    return tracking.observe(current, event.build());
  }

  private static SagaEvent.Builder event(String sagaId, SagaEventType type, int version) {
    return SagaEvent.newBuilder()
        .setSagaId(sagaId)
        .setSagaType(TYPE)
        .setDefinitionVersion(version)
        .setEventType(type)
        .setStatus("RUNNING")
        .setAt(T0);
  }

  private static SagaEvent.Builder step(
      String sagaId, SagaEventType type, String step, int attempt, long atMs) {
    return event(sagaId, type, 2).setStep(step).setAttempt(attempt).setAt(T0.plusMillis(atMs));
  }

  private static Rollout rollout(Long budget) {
    RolloutFigures none = RolloutFigures.newBuilder().build();
    return Rollout.newBuilder()
        .setRolloutId("r-1")
        .setSagaType(TYPE)
        .setGeneration(1)
        .setPhase("ACTIVE")
        .setStableVersion(1)
        .setCandidateVersion(2)
        .setWeight(5_000)
        .setMaxInvariantViolations(0)
        .setMaxFailureRateIncrease(RolloutRules.DEFAULT_MAX_FAILURE_RATE_INCREASE)
        .setMinSample(RolloutRules.DEFAULT_MIN_SAMPLE)
        .setStepLatencyBudgetMs(budget)
        .setMaxSlowStepShare(RolloutRules.DEFAULT_MAX_SLOW_STEP_SHARE)
        .setOnRollback("CONTINUE")
        .setCandidate(none)
        .setStable(RolloutFigures.newBuilder().build())
        .setRequestedBy("test")
        .setStartedAt(T0)
        .setUpdatedAt(T0)
        .build();
  }
}
