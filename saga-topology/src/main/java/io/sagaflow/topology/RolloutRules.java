package io.sagaflow.topology;

import io.sagaflow.contract.Rollout;
import io.sagaflow.contract.RolloutFigures;
import io.sagaflow.contract.RolloutRequest;
import io.sagaflow.engine.RolloutAssignment;
import io.sagaflow.engine.RolloutInForce.RolloutPhase;
import io.sagaflow.engine.SagaDefinition;
import io.sagaflow.engine.SagaRegistry;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What an operator's request does to the rollout of a saga type: a new {@link Rollout}, or a
 * sentence saying why the request cannot be applied. Pure; the controller stores and publishes.
 */
final class RolloutRules {
  static final int DEFAULT_WEIGHT = 1_000;
  static final int DEFAULT_MAX_FAILURE_RATE_INCREASE = 500;
  static final int DEFAULT_MIN_SAMPLE = 20;
  static final int DEFAULT_MAX_SLOW_STEP_SHARE = 500;
  static final String CONTINUE = "CONTINUE";
  static final String COMPENSATE = "COMPENSATE";

  private final SagaRegistry registry;

  RolloutRules(SagaRegistry registry) {
    this.registry = registry;
  }

  /** The outcome of a request: the rollout as it is now, or why nothing changed. */
  sealed interface Outcome {
    /** The request changed the rollout to {@code rollout}. */
    record Changed(Rollout rollout) implements Outcome {}

    /** The request was refused; nothing changed. */
    record Rejected(String reason) implements Outcome {}
  }

  Outcome apply(Optional<Rollout> current, RolloutRequest request, Instant now) {
    Optional<Rollout> active = current.filter(r -> RolloutPhase.ACTIVE.name().equals(r.getPhase()));
    return switch (request.getAction()) {
      case "START" -> start(current, active, request, now);
      case "PROMOTE" ->
          active
              .<Outcome>map(
                  r ->
                      new Outcome.Changed(
                          end(
                              r,
                              RolloutPhase.PROMOTED,
                              RolloutGuards.OPERATOR,
                              "promoted by "
                                  + request.getRequestedBy()
                                  + reason(request)
                                  + "; new sagas get v"
                                  + r.getCandidateVersion(),
                              now)))
              .orElseGet(() -> noActive(request));
      case "ROLLBACK" ->
          active
              .<Outcome>map(
                  r ->
                      new Outcome.Changed(
                          end(
                              r,
                              RolloutPhase.ROLLED_BACK,
                              RolloutGuards.OPERATOR,
                              "rolled back by "
                                  + request.getRequestedBy()
                                  + reason(request)
                                  + "; new sagas get v"
                                  + r.getStableVersion(),
                              now)))
              .orElseGet(() -> noActive(request));
      default ->
          new Outcome.Rejected(
              "Unknown rollout action '"
                  + request.getAction()
                  + "'; use START, PROMOTE or ROLLBACK");
    };
  }

  /** {@code rollout} ended in {@code phase} because of {@code guard}. */
  static Rollout end(Rollout rollout, RolloutPhase phase, String guard, String why, Instant now) {
    return Rollout.newBuilder(rollout)
        .setPhase(phase.name())
        .setGeneration(rollout.getGeneration() + 1)
        .setGuard(guard)
        .setEndReason(why)
        .setEndedAt(now)
        .setUpdatedAt(now)
        .build();
  }

  private Outcome start(
      Optional<Rollout> current, Optional<Rollout> active, RolloutRequest request, Instant now) {
    String type = request.getSagaType();
    if (active.isPresent()) {
      return new Outcome.Rejected(
          "Rollout "
              + active.get().getRolloutId()
              + " of '"
              + type
              + "' is ACTIVE (v"
              + active.get().getStableVersion()
              + " -> v"
              + active.get().getCandidateVersion()
              + "); promote it or roll it back before starting another");
    }
    List<Integer> versions = registry.versions(type);
    if (versions.isEmpty()) {
      return new Outcome.Rejected("No saga type '" + type + "' is registered");
    }
    int candidate =
        Optional.ofNullable(request.getCandidateVersion())
            .orElse(registry.latest(type).map(SagaDefinition::version).orElseThrow());
    Optional<Integer> stable =
        Optional.ofNullable(request.getStableVersion())
            .or(() -> versions.stream().filter(v -> v < candidate).reduce((a, b) -> b));
    int weight = Optional.ofNullable(request.getWeight()).orElse(DEFAULT_WEIGHT);
    String onRollback = Optional.ofNullable(request.getOnRollback()).orElse(CONTINUE);
    Optional<String> problem =
        problem(type, versions, candidate, stable, weight, onRollback, request);
    if (problem.isPresent()) {
      return new Outcome.Rejected(problem.get());
    }
    RolloutFigures none = RolloutFigures.newBuilder().build();
    return new Outcome.Changed(
        Rollout.newBuilder()
            .setRolloutId(request.getRequestId())
            .setSagaType(type)
            .setGeneration(current.map(Rollout::getGeneration).orElse(0L) + 1)
            .setPhase(RolloutPhase.ACTIVE.name())
            .setStableVersion(stable.orElseThrow())
            .setCandidateVersion(candidate)
            .setWeight(weight)
            .setMaxInvariantViolations(
                Optional.ofNullable(request.getMaxInvariantViolations()).orElse(0))
            .setMaxFailureRateIncrease(
                Optional.ofNullable(request.getMaxFailureRateIncrease())
                    .orElse(DEFAULT_MAX_FAILURE_RATE_INCREASE))
            .setMinSample(Optional.ofNullable(request.getMinSample()).orElse(DEFAULT_MIN_SAMPLE))
            .setStepLatencyBudgetMs(request.getStepLatencyBudgetMs())
            .setMaxSlowStepShare(
                Optional.ofNullable(request.getMaxSlowStepShare())
                    .orElse(DEFAULT_MAX_SLOW_STEP_SHARE))
            .setOnRollback(onRollback)
            .setAutoPromoteAfterMs(request.getAutoPromoteAfterMs())
            .setCandidate(none)
            .setStable(RolloutFigures.newBuilder().build())
            .setRequestedBy(request.getRequestedBy())
            .setStartedAt(now)
            .setUpdatedAt(now)
            .build());
  }

  private static Optional<String> problem(
      String type,
      List<Integer> versions,
      int candidate,
      Optional<Integer> stable,
      int weight,
      String onRollback,
      RolloutRequest request) {
    if (!versions.contains(candidate)) {
      return Optional.of(
          "Candidate '" + type + "' v" + candidate + " is not registered; registered: " + versions);
    }
    if (stable.isEmpty()) {
      return Optional.of(
          "No stable version of '"
              + type
              + "' below candidate v"
              + candidate
              + " is registered ("
              + versions
              + "); name one with stableVersion");
    }
    if (!versions.contains(stable.get()) || stable.get() == candidate) {
      return Optional.of(
          "Stable '"
              + type
              + "' v"
              + stable.get()
              + " must be registered and differ from candidate v"
              + candidate
              + "; registered: "
              + versions);
    }
    if (weight < 1 || weight > RolloutAssignment.BUCKETS) {
      return Optional.of(
          "Weight " + weight + " is out of range; give basis points from 1 to 10000 (1000 = 10%)");
    }
    if (!CONTINUE.equals(onRollback) && !COMPENSATE.equals(onRollback)) {
      return Optional.of("onRollback '" + onRollback + "' is unknown; use CONTINUE or COMPENSATE");
    }
    if (nonPositive(request.getMinSample())
        || negative(request.getMaxInvariantViolations())
        || negative(request.getMaxFailureRateIncrease())
        || negative(request.getMaxSlowStepShare())
        || nonPositive(request.getStepLatencyBudgetMs())
        || nonPositive(request.getAutoPromoteAfterMs())) {
      return Optional.of(
          "Guard settings must not be negative, and minSample, stepLatencyBudgetMs and"
              + " autoPromoteAfterMs must be positive when given");
    }
    return Optional.empty();
  }

  private static boolean negative(Integer value) {
    return value != null && value < 0;
  }

  private static boolean nonPositive(Number value) {
    return value != null && value.longValue() <= 0;
  }

  private static Outcome noActive(RolloutRequest request) {
    return new Outcome.Rejected(
        request.getAction()
            + " needs an ACTIVE rollout of '"
            + request.getSagaType()
            + "', and there is none; see the rollout's status");
  }

  private static String reason(RolloutRequest request) {
    return request.getReason() == null || request.getReason().isBlank()
        ? ""
        : " (" + request.getReason() + ")";
  }
}
