package io.sagaflow.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.sagaflow.contract.Rollout;
import io.sagaflow.contract.RolloutFigures;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The guards judge figures alone; these pin the thresholds and the minimum samples. */
class RolloutGuardsTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void shouldNotJudgeTheFailureRateBeforeEachVersionHasItsMinimumSample() {
    // 1 failure among 2 candidate sagas is 50%, but 2 is below the sample of 20
    Rollout rollout = rollout(figures(2, 1, 0, 0, 0), figures(40, 0, 0, 0, 0), null);

    assertThat(RolloutGuards.firstFailure(rollout)).isEmpty();
  }

  @Test
  void shouldFireTheFailureRateGuardWhenTheCandidateFailsMoreThanTheAllowanceAboveStable() {
    // candidate 3 of 20 failed (15%), stable 2 of 20 (10%): 5 points above, exactly the allowance
    assertThat(
            RolloutGuards.firstFailure(
                rollout(figures(20, 3, 0, 0, 0), figures(20, 2, 0, 0, 0), null)))
        .isEmpty();

    // one more candidate failure: 4 of 20 (20%) is 10 points above
    RolloutGuards.Failure failure =
        RolloutGuards.firstFailure(rollout(figures(20, 4, 0, 0, 0), figures(20, 2, 0, 0, 0), null))
            .orElseThrow();
    assertThat(failure.guard()).isEqualTo("FAILURE_RATE");
    assertThat(failure.observed())
        .isEqualTo("candidate v2 failed 20.0% (4 of 20 ended) against stable v1 10.0% (2 of 20)");
  }

  @Test
  void shouldFireTheLatencyGuardWhenMoreThanTheAllowedShareOfCandidateStepsIsSlow() {
    // 1 of 20 slow is 5%, the allowance; 2 of 20 is over it
    assertThat(
            RolloutGuards.firstFailure(
                rollout(figures(0, 0, 0, 20, 1), figures(0, 0, 0, 0, 0), 2_000L)))
        .isEmpty();
    RolloutGuards.Failure failure =
        RolloutGuards.firstFailure(rollout(figures(0, 0, 0, 20, 2), figures(0, 0, 0, 0, 0), 2_000L))
            .orElseThrow();
    assertThat(failure.guard()).isEqualTo("STEP_LATENCY");
    assertThat(failure.observed())
        .isEqualTo("2 of 20 candidate steps (10.0%) took longer than 2000 ms");
  }

  @Test
  void shouldFireTheInvariantGuardOnTheFirstViolationByDefault() {
    assertThat(
            RolloutGuards.firstFailure(
                    rollout(figures(1, 0, 1, 0, 0), figures(0, 0, 0, 0, 0), null))
                .orElseThrow()
                .guard())
        .isEqualTo("INVARIANT_VIOLATIONS");
  }

  @Test
  void shouldNotJudgeTheLatencyGuardBeforeTheCandidateHasItsMinimumSampleOfSteps() {
    // every one of 19 steps slow, but 19 is below the sample of 20
    assertThat(
            RolloutGuards.firstFailure(
                rollout(figures(0, 0, 0, 19, 19), figures(0, 0, 0, 0, 0), 2_000L)))
        .isEmpty();
  }

  @Test
  void shouldJudgeNothingFromNoEndedSagasOrStepsEvenWithoutAMinimumSample() {
    // A stored rollout may hold a minimum sample of 0: no rate is taken over zero sagas or steps
    Rollout nothingEnded =
        Rollout.newBuilder(rollout(figures(0, 0, 0, 0, 0), figures(0, 0, 0, 0, 0), 2_000L))
            .setMinSample(0)
            .build();
    assertThat(RolloutGuards.firstFailure(nothingEnded)).isEmpty();

    Rollout noStable =
        Rollout.newBuilder(nothingEnded).setCandidate(figures(1, 1, 0, 0, 0)).build();
    assertThat(RolloutGuards.firstFailure(noStable)).isEmpty();
  }

  @Test
  void shouldPromoteOnlyAfterTheWindowWithEnoughSagasOfEachVersionAndEveryGuardHolding() {
    long window = 60_000;
    long atWindow = T0.toEpochMilli() + window;
    Rollout clean =
        Rollout.newBuilder(rollout(figures(20, 1, 0, 0, 0), figures(20, 1, 0, 0, 0), null))
            .setAutoPromoteAfterMs(window)
            .build();

    assertThat(RolloutGuards.promotable(clean, atWindow)).isTrue();
    assertThat(RolloutGuards.promotable(clean, atWindow - 1)).isFalse();
    // without automatic promotion, never
    assertThat(
            RolloutGuards.promotable(
                Rollout.newBuilder(clean).setAutoPromoteAfterMs(null).build(), atWindow * 2))
        .isFalse();
    // one candidate saga short of the sample
    assertThat(
            RolloutGuards.promotable(
                Rollout.newBuilder(clean).setCandidate(figures(19, 0, 0, 0, 0)).build(), atWindow))
        .isFalse();
    // one stable saga short of the sample
    Rollout stableShort = Rollout.newBuilder(clean).setStable(figures(19, 0, 0, 0, 0)).build();
    assertThat(RolloutGuards.promotable(stableShort, atWindow)).isFalse();
    // at a weight of 100% no saga goes to stable, so none is waited for
    assertThat(
            RolloutGuards.promotable(
                Rollout.newBuilder(stableShort)
                    .setWeight(10_000)
                    .setStable(figures(0, 0, 0, 0, 0))
                    .build(),
                atWindow))
        .isTrue();
    // a guard failing holds promotion back
    assertThat(
            RolloutGuards.promotable(
                Rollout.newBuilder(clean).setCandidate(figures(20, 4, 0, 0, 0)).build(), atWindow))
        .isFalse();
  }

  @Test
  void shouldTellTheFailureSentenceWithGuardFigureAndLimit() {
    RolloutGuards.Failure failure =
        RolloutGuards.firstFailure(rollout(figures(1, 0, 2, 0, 0), figures(0, 0, 0, 0, 0), null))
            .orElseThrow();

    assertThat(failure.sentence())
        .isEqualTo(
            "INVARIANT_VIOLATIONS failed: 2 invariant violation(s) in sagas on candidate v2"
                + " (limit: at most 0)");
  }

  /** Figures: ended sagas split into completed and failed, violations, steps, slow steps. */
  private static RolloutFigures figures(
      long ended, long failed, long violations, long steps, long slow) {
    return RolloutFigures.newBuilder()
        .setStarted(ended)
        .setCompleted(ended - failed)
        .setFailed(failed)
        .setInvariantViolations(violations)
        .setSteps(steps)
        .setSlowSteps(slow)
        .build();
  }

  private static Rollout rollout(RolloutFigures candidate, RolloutFigures stable, Long budget) {
    return Rollout.newBuilder()
        .setRolloutId("r")
        .setSagaType("t")
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
        .setCandidate(candidate)
        .setStable(stable)
        .setRequestedBy("test")
        .setStartedAt(T0)
        .setUpdatedAt(T0)
        .build();
  }
}
