package io.sagaflow.engine;

import java.util.Objects;

/**
 * How a rollout placed one saga at its start: which rollout (and which of its generations), the
 * canary weight in force, the saga's bucket and the version it got. Recorded in the saga's state
 * and its SAGA_STARTED event, so a replay and an audit see the same placement the live run made.
 *
 * @param rolloutId the rollout that placed the saga
 * @param generation the rollout's generation (every change of the rollout increments it)
 * @param weightBasisPoints the candidate's share of new sagas, 0 to 10,000
 * @param bucket the saga's bucket, 0 to 9,999 ({@link Ids#rolloutBucket}); candidate when below the
 *     weight of an active rollout
 * @param role whether the saga got the candidate or the stable version
 * @param version the definition version the saga runs on
 */
public record RolloutAssignment(
    String rolloutId,
    long generation,
    int weightBasisPoints,
    int bucket,
    RolloutRole role,
    int version) {
  /** Buckets a saga id falls into; a weight is a number of them. */
  public static final int BUCKETS = 10_000;

  /** Rejects missing parts and out-of-range figures. */
  public RolloutAssignment {
    Objects.requireNonNull(rolloutId, "rolloutId");
    Objects.requireNonNull(role, "role");
    if (weightBasisPoints < 0 || weightBasisPoints > BUCKETS) {
      throw new IllegalArgumentException(
          "weightBasisPoints must be 0 to " + BUCKETS + ", not " + weightBasisPoints);
    }
    if (bucket < 0 || bucket >= BUCKETS) {
      throw new IllegalArgumentException("bucket must be 0 to " + (BUCKETS - 1) + ": " + bucket);
    }
  }

  /** Which side of a rollout a saga was placed on. */
  public enum RolloutRole {
    /** The version being introduced. */
    CANDIDATE,
    /** The version in service before the rollout. */
    STABLE
  }
}
