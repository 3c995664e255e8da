package io.sagaflow.topology;

import io.sagaflow.contract.Rollout;
import io.sagaflow.contract.RolloutFigures;
import java.util.Locale;
import java.util.Optional;

/**
 * The guards of a rollout, judged from its figures alone: a pure function, so a redelivered
 * observation or a restored store judges exactly as before. Rates compare integers (basis points
 * cross-multiplied), never doubles, so the verdict does not depend on rounding.
 */
final class RolloutGuards {
  static final String INVARIANT_VIOLATIONS = "INVARIANT_VIOLATIONS";
  static final String FAILURE_RATE = "FAILURE_RATE";
  static final String STEP_LATENCY = "STEP_LATENCY";
  static final String OPERATOR = "OPERATOR";
  static final String AUTO_PROMOTION = "AUTO_PROMOTION";

  private static final long BP = 10_000;

  private RolloutGuards() {}

  /** A guard that failed, with the figure that decided and the limit it crossed. */
  record Failure(String guard, String observed, String threshold) {
    String sentence() {
      return guard + " failed: " + observed + " (limit: " + threshold + ")";
    }
  }

  /** The first guard {@code rollout}'s figures fail, in the order invariants, rate, latency. */
  static Optional<Failure> firstFailure(Rollout rollout) {
    RolloutFigures candidate = rollout.getCandidate();
    if (candidate.getInvariantViolations() > rollout.getMaxInvariantViolations()) {
      return Optional.of(
          new Failure(
              INVARIANT_VIOLATIONS,
              candidate.getInvariantViolations()
                  + " invariant violation(s) in sagas on candidate v"
                  + rollout.getCandidateVersion(),
              "at most " + rollout.getMaxInvariantViolations()));
    }
    RolloutFigures stable = rollout.getStable();
    long candidateEnded = ended(candidate);
    long stableEnded = ended(stable);
    int minSample = rollout.getMinSample();
    if (candidateEnded >= minSample && stableEnded >= minSample && candidateEnded > 0) {
      // candidate rate - stable rate > allowed, without division:
      // cf/ce - sf/se > m/BP  <=>  cf*se*BP - sf*ce*BP > m*ce*se
      long lhs =
          candidate.getFailed() * stableEnded * BP - stable.getFailed() * candidateEnded * BP;
      long rhs = (long) rollout.getMaxFailureRateIncrease() * candidateEnded * stableEnded;
      if (stableEnded > 0 && lhs > rhs) {
        return Optional.of(
            new Failure(
                FAILURE_RATE,
                String.format(
                    Locale.ROOT,
                    "candidate v%d failed %.1f%% (%d of %d ended) against stable v%d %.1f%% (%d of"
                        + " %d)",
                    rollout.getCandidateVersion(),
                    percent(candidate.getFailed(), candidateEnded),
                    candidate.getFailed(),
                    candidateEnded,
                    rollout.getStableVersion(),
                    percent(stable.getFailed(), stableEnded),
                    stable.getFailed(),
                    stableEnded),
                String.format(
                    Locale.ROOT,
                    "at most %.1f percentage points above stable, judged from %d ended sagas of"
                        + " each",
                    rollout.getMaxFailureRateIncrease() / 100.0,
                    minSample)));
      }
    }
    Long budget = rollout.getStepLatencyBudgetMs();
    if (budget != null
        && candidate.getSteps() >= minSample
        && candidate.getSteps() > 0
        && candidate.getSlowSteps() * BP > rollout.getMaxSlowStepShare() * candidate.getSteps()) {
      return Optional.of(
          new Failure(
              STEP_LATENCY,
              String.format(
                  Locale.ROOT,
                  "%d of %d candidate steps (%.1f%%) took longer than %d ms",
                  candidate.getSlowSteps(),
                  candidate.getSteps(),
                  percent(candidate.getSlowSteps(), candidate.getSteps()),
                  budget),
              String.format(
                  Locale.ROOT,
                  "at most %.1f%% of steps over %d ms",
                  rollout.getMaxSlowStepShare() / 100.0,
                  budget)));
    }
    return Optional.empty();
  }

  /**
   * Whether an ACTIVE rollout with automatic promotion has been observed long enough, on enough
   * sagas of each version, with every guard holding, at {@code nowMs}.
   */
  static boolean promotable(Rollout rollout, long nowMs) {
    Long after = rollout.getAutoPromoteAfterMs();
    return after != null
        && nowMs - rollout.getStartedAt().toEpochMilli() >= after
        && ended(rollout.getCandidate()) >= rollout.getMinSample()
        && (rollout.getWeight() >= BP || ended(rollout.getStable()) >= rollout.getMinSample())
        && firstFailure(rollout).isEmpty();
  }

  static long ended(RolloutFigures figures) {
    return figures.getCompleted() + figures.getFailed();
  }

  private static double percent(long part, long whole) {
    return whole == 0 ? 0 : part * 100.0 / whole;
  }
}
