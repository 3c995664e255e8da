package io.sagaflow.engine;

import java.util.Objects;

/**
 * The rollout of one saga type as the processor sees it when a saga starts: an input to the start
 * decision, never looked up by the engine, so the same start with the same rollout places the saga
 * the same way in a live run, a replay and a test.
 *
 * @param rolloutId the rollout's id
 * @param generation incremented by every change of the rollout
 * @param phase where the rollout is
 * @param stableVersion the version in service before the rollout
 * @param candidateVersion the version being introduced
 * @param weightBasisPoints the candidate's share of new sagas while the rollout is active, 0 to
 *     10,000
 */
public record RolloutInForce(
    String rolloutId,
    long generation,
    RolloutPhase phase,
    int stableVersion,
    int candidateVersion,
    int weightBasisPoints) {

  /** Rejects missing parts. */
  public RolloutInForce {
    Objects.requireNonNull(rolloutId, "rolloutId");
    Objects.requireNonNull(phase, "phase");
  }

  /**
   * Where a start of saga {@code sagaId} that names no version goes: while the rollout is ACTIVE,
   * to the candidate when the saga's bucket is below the weight, else to the stable version; once
   * ROLLED_BACK, always to the stable version; once PROMOTED, always to the candidate.
   */
  public RolloutAssignment assign(String sagaId) {
    int bucket = Ids.rolloutBucket(rolloutId, sagaId);
    boolean candidate =
        switch (phase) {
          case ACTIVE -> bucket < weightBasisPoints;
          case ROLLED_BACK -> false;
          case PROMOTED -> true;
        };
    return new RolloutAssignment(
        rolloutId,
        generation,
        phase == RolloutPhase.ACTIVE
            ? weightBasisPoints
            : (candidate ? RolloutAssignment.BUCKETS : 0),
        bucket,
        candidate ? RolloutAssignment.RolloutRole.CANDIDATE : RolloutAssignment.RolloutRole.STABLE,
        candidate ? candidateVersion : stableVersion);
  }

  /** The phases of a rollout; ROLLED_BACK and PROMOTED are final until a new rollout starts. */
  public enum RolloutPhase {
    /** New sagas are split between the stable and the candidate version by weight. */
    ACTIVE,
    /** A guard failed or an operator rolled back: new sagas get the stable version. */
    ROLLED_BACK,
    /** The candidate passed: new sagas get it. */
    PROMOTED
  }
}
