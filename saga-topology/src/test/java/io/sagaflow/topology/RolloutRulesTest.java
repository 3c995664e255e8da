package io.sagaflow.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.sagaflow.contract.Rollout;
import io.sagaflow.contract.RolloutRequest;
import io.sagaflow.engine.SagaRegistry;
import java.time.Instant;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** What an operator sees when a rollout request is applied, or refused, with the reason given. */
class RolloutRulesTest {
  private static final String TYPE = "canary-order";
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final Instant LATER = T0.plusSeconds(90);

  private final RolloutRules rules =
      new RolloutRules(
          SagaRegistry.of(
              RolloutTopologyTest.definition(1, false),
              RolloutTopologyTest.definition(2, false),
              RolloutTopologyTest.definition(3, false)));

  @Test
  void shouldStartWithTheDefaultsOnTheLatestVersionAgainstTheOneBelowIt() {
    Rollout rollout = changed(rules.apply(Optional.empty(), start(r -> r), T0));

    assertThat(rollout.getPhase()).isEqualTo("ACTIVE");
    assertThat(rollout.getGeneration()).isEqualTo(1L);
    assertThat(rollout.getCandidateVersion()).isEqualTo(3);
    assertThat(rollout.getStableVersion()).isEqualTo(2);
    assertThat(rollout.getWeight()).isEqualTo(1_000);
    assertThat(rollout.getOnRollback()).isEqualTo("CONTINUE");
    assertThat(rollout.getMaxInvariantViolations()).isZero();
    assertThat(rollout.getMaxFailureRateIncrease()).isEqualTo(500);
    assertThat(rollout.getMinSample()).isEqualTo(20);
    assertThat(rollout.getMaxSlowStepShare()).isEqualTo(500);
    assertThat(rollout.getStepLatencyBudgetMs()).isNull();
    assertThat(rollout.getAutoPromoteAfterMs()).isNull();
  }

  @Test
  void shouldPromoteAnActiveRolloutNamingTheOperatorAndTheReason() {
    Rollout active = changed(rules.apply(Optional.empty(), start(r -> r), T0));

    Rollout promoted =
        changed(rules.apply(Optional.of(active), action("PROMOTE", "looks healthy"), LATER));

    assertThat(promoted.getPhase()).isEqualTo("PROMOTED");
    assertThat(promoted.getGeneration()).isEqualTo(2L);
    assertThat(promoted.getGuard()).isEqualTo("OPERATOR");
    assertThat(promoted.getEndReason())
        .isEqualTo("promoted by ops@example.org (looks healthy); new sagas get v3");
    assertThat(promoted.getEndedAt()).isEqualTo(LATER);
    assertThat(promoted.getStartedAt()).isEqualTo(T0);
  }

  @Test
  void shouldLeaveABlankOrMissingReasonOutOfTheRollbackSentence() {
    Rollout active = changed(rules.apply(Optional.empty(), start(r -> r), T0));

    Rollout blank = changed(rules.apply(Optional.of(active), action("ROLLBACK", "  "), LATER));
    Rollout missing = changed(rules.apply(Optional.of(active), action("ROLLBACK", null), LATER));

    assertThat(blank.getPhase()).isEqualTo("ROLLED_BACK");
    assertThat(blank.getEndReason()).isEqualTo("rolled back by ops@example.org; new sagas get v2");
    assertThat(missing.getEndReason()).isEqualTo(blank.getEndReason());
  }

  @Test
  void shouldRefusePromotionAndRollbackWithoutAnActiveRollout() {
    Rollout active = changed(rules.apply(Optional.empty(), start(r -> r), T0));
    Rollout ended = changed(rules.apply(Optional.of(active), action("ROLLBACK", null), LATER));

    assertThat(rejected(rules.apply(Optional.empty(), action("PROMOTE", null), LATER)))
        .isEqualTo(
            "PROMOTE needs an ACTIVE rollout of 'canary-order', and there is none; see the"
                + " rollout's status");
    assertThat(rejected(rules.apply(Optional.of(ended), action("ROLLBACK", null), LATER)))
        .startsWith("ROLLBACK needs an ACTIVE rollout of 'canary-order'");
    assertThat(rejected(rules.apply(Optional.of(ended), action("PROMOTE", null), LATER)))
        .startsWith("PROMOTE needs an ACTIVE rollout");
  }

  @Test
  void shouldStartAgainAfterARollbackWithTheNextGeneration() {
    Rollout first = changed(rules.apply(Optional.empty(), start(r -> r), T0));
    Rollout ended = changed(rules.apply(Optional.of(first), action("ROLLBACK", null), LATER));

    Rollout second =
        changed(
            rules.apply(
                Optional.of(ended),
                start(r -> r.setRequestId("r-2").setCandidateVersion(2).setStableVersion(1)),
                LATER));

    assertThat(second.getRolloutId()).isEqualTo("r-2");
    assertThat(second.getGeneration()).isEqualTo(3L);
    assertThat(second.getPhase()).isEqualTo("ACTIVE");
    assertThat(second.getCandidateVersion()).isEqualTo(2);
    assertThat(second.getStableVersion()).isEqualTo(1);
    assertThat(second.getEndReason()).isNull();
  }

  @Test
  void shouldRejectAnUnknownAction() {
    assertThat(rejected(rules.apply(Optional.empty(), action("PAUSE", null), T0)))
        .isEqualTo("Unknown rollout action 'PAUSE'; use START, PROMOTE or ROLLBACK");
  }

  @Test
  void shouldRejectVersionsThatCannotBeRolledOut() {
    assertThat(rejected(rules.apply(Optional.empty(), start(r -> r.setSagaType("nope")), T0)))
        .isEqualTo("No saga type 'nope' is registered");
    assertThat(rejected(rules.apply(Optional.empty(), start(r -> r.setCandidateVersion(7)), T0)))
        .isEqualTo("Candidate 'canary-order' v7 is not registered; registered: [1, 2, 3]");
    assertThat(rejected(rules.apply(Optional.empty(), start(r -> r.setCandidateVersion(1)), T0)))
        .isEqualTo(
            "No stable version of 'canary-order' below candidate v1 is registered ([1, 2, 3]);"
                + " name one with stableVersion");
    assertThat(rejected(rules.apply(Optional.empty(), start(r -> r.setStableVersion(9)), T0)))
        .isEqualTo(
            "Stable 'canary-order' v9 must be registered and differ from candidate v3;"
                + " registered: [1, 2, 3]");
    assertThat(rejected(rules.apply(Optional.empty(), start(r -> r.setStableVersion(3)), T0)))
        .startsWith("Stable 'canary-order' v3 must be registered and differ from candidate v3");
  }

  @Test
  void shouldAcceptWeightsFromOneBasisPointToAllAndNothingOutside() {
    assertThat(changed(rules.apply(Optional.empty(), start(r -> r.setWeight(1)), T0)).getWeight())
        .isEqualTo(1);
    assertThat(
            changed(rules.apply(Optional.empty(), start(r -> r.setWeight(10_000)), T0)).getWeight())
        .isEqualTo(10_000);
    assertThat(rejected(rules.apply(Optional.empty(), start(r -> r.setWeight(0)), T0)))
        .isEqualTo("Weight 0 is out of range; give basis points from 1 to 10000 (1000 = 10%)");
    assertThat(rejected(rules.apply(Optional.empty(), start(r -> r.setWeight(10_001)), T0)))
        .startsWith("Weight 10001 is out of range");
  }

  @Test
  void shouldAcceptOnlyContinueOrCompensateOnRollback() {
    assertThat(
            changed(rules.apply(Optional.empty(), start(r -> r.setOnRollback("COMPENSATE")), T0))
                .getOnRollback())
        .isEqualTo("COMPENSATE");
    assertThat(rejected(rules.apply(Optional.empty(), start(r -> r.setOnRollback("cancel")), T0)))
        .isEqualTo("onRollback 'cancel' is unknown; use CONTINUE or COMPENSATE");
  }

  @Test
  void shouldKeepGuardSettingsAtTheirSmallestAllowedValues() {
    Rollout rollout =
        changed(
            rules.apply(
                Optional.empty(),
                start(
                    r ->
                        r.setMinSample(1)
                            .setMaxInvariantViolations(0)
                            .setMaxFailureRateIncrease(0)
                            .setMaxSlowStepShare(0)
                            .setStepLatencyBudgetMs(1L)
                            .setAutoPromoteAfterMs(1L)),
                T0));

    assertThat(rollout.getMinSample()).isEqualTo(1);
    assertThat(rollout.getMaxInvariantViolations()).isZero();
    assertThat(rollout.getMaxFailureRateIncrease()).isZero();
    assertThat(rollout.getMaxSlowStepShare()).isZero();
    assertThat(rollout.getStepLatencyBudgetMs()).isEqualTo(1L);
    assertThat(rollout.getAutoPromoteAfterMs()).isEqualTo(1L);
  }

  @Test
  void shouldRejectEachGuardSettingJustBelowItsRange() {
    String why =
        "Guard settings must not be negative, and minSample, stepLatencyBudgetMs and"
            + " autoPromoteAfterMs must be positive when given";
    assertThat(rejected(rules.apply(Optional.empty(), start(r -> r.setMinSample(0)), T0)))
        .isEqualTo(why);
    assertThat(
            rejected(
                rules.apply(Optional.empty(), start(r -> r.setMaxInvariantViolations(-1)), T0)))
        .isEqualTo(why);
    assertThat(
            rejected(
                rules.apply(Optional.empty(), start(r -> r.setMaxFailureRateIncrease(-1)), T0)))
        .isEqualTo(why);
    assertThat(rejected(rules.apply(Optional.empty(), start(r -> r.setMaxSlowStepShare(-1)), T0)))
        .isEqualTo(why);
    assertThat(
            rejected(rules.apply(Optional.empty(), start(r -> r.setStepLatencyBudgetMs(0L)), T0)))
        .isEqualTo(why);
    assertThat(rejected(rules.apply(Optional.empty(), start(r -> r.setAutoPromoteAfterMs(0L)), T0)))
        .isEqualTo(why);
  }

  private static Rollout changed(RolloutRules.Outcome outcome) {
    assertThat(outcome).isInstanceOf(RolloutRules.Outcome.Changed.class);
    return ((RolloutRules.Outcome.Changed) outcome).rollout();
  }

  private static String rejected(RolloutRules.Outcome outcome) {
    assertThat(outcome).isInstanceOf(RolloutRules.Outcome.Rejected.class);
    return ((RolloutRules.Outcome.Rejected) outcome).reason();
  }

  private static RolloutRequest start(UnaryOperator<RolloutRequest.Builder> settings) {
    return settings
        .apply(
            RolloutRequest.newBuilder()
                .setRequestId("r-1")
                .setSagaType(TYPE)
                .setAction("START")
                .setRequestedBy("ops@example.org")
                .setRequestedAt(T0))
        .build();
  }

  private static RolloutRequest action(String action, String reason) {
    return RolloutRequest.newBuilder()
        .setRequestId("a-1")
        .setSagaType(TYPE)
        .setAction(action)
        .setRequestedBy("ops@example.org")
        .setReason(reason)
        .setRequestedAt(T0)
        .build();
  }
}
