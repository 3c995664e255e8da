package io.sagaflow.api;

import io.sagaflow.contract.Rollout;
import io.sagaflow.contract.RolloutFigures;
import java.util.LinkedHashMap;
import java.util.Map;

/** The JSON shape of a rollout on the HTTP API: the contract's fields, times as ISO-8601. */
final class RolloutView {
  private RolloutView() {}

  static Map<String, Object> of(Rollout r) {
    Map<String, Object> guards = new LinkedHashMap<>();
    guards.put("maxInvariantViolations", r.getMaxInvariantViolations());
    guards.put("maxFailureRateIncrease", r.getMaxFailureRateIncrease());
    guards.put("minSample", r.getMinSample());
    guards.put("stepLatencyBudgetMs", r.getStepLatencyBudgetMs());
    guards.put("maxSlowStepShare", r.getMaxSlowStepShare());
    guards.put("onRollback", r.getOnRollback());
    guards.put("autoPromoteAfterMs", r.getAutoPromoteAfterMs());
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("rolloutId", r.getRolloutId());
    view.put("sagaType", r.getSagaType());
    view.put("generation", r.getGeneration());
    view.put("phase", r.getPhase());
    view.put("stableVersion", r.getStableVersion());
    view.put("candidateVersion", r.getCandidateVersion());
    view.put("weight", r.getWeight());
    view.put("guards", guards);
    view.put("candidate", figures(r.getCandidate()));
    view.put("stable", figures(r.getStable()));
    view.put("requestedBy", r.getRequestedBy());
    view.put("startedAt", r.getStartedAt().toString());
    view.put("updatedAt", r.getUpdatedAt().toString());
    view.put("endedAt", r.getEndedAt() == null ? null : r.getEndedAt().toString());
    view.put("guard", r.getGuard());
    view.put("endReason", r.getEndReason());
    return view;
  }

  private static Map<String, Object> figures(RolloutFigures f) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("started", f.getStarted());
    view.put("completed", f.getCompleted());
    view.put("failed", f.getFailed());
    view.put("invariantViolations", f.getInvariantViolations());
    view.put("steps", f.getSteps());
    view.put("slowSteps", f.getSlowSteps());
    return view;
  }
}
