package io.sagaflow.engine;

/**
 * A cancel request rolls a saga back only while that is still possible: before any step past the
 * point of no return (the pivot, or a retriable step) was sent. Afterwards it is refused with the
 * reason, never silently ignored.
 */
final class CancelRule {
  private CancelRule() {}

  static <D> Decision<D> apply(Run<D> run, SagaInput.Cancel cancel) {
    if (run.status != SagaStatus.RUNNING) {
      return Decision.unchanged(
          InputVerdict.REFUSED,
          "saga '"
              + run.sagaId
              + "' is "
              + run.status
              + (run.status == SagaStatus.STUCK
                  ? "; resolve it with RETRY_STEP, SKIP_STEP or FORCE_COMPENSATION"
                  : "; it is already rolling back"));
    }
    for (int i = 0; i < run.stepCount(); i++) {
      if (run.stepDef(i).kind() != StepKind.COMPENSATABLE
          && run.step(i).status() != StepStatus.PENDING) {
        return Decision.unchanged(
            InputVerdict.REFUSED,
            "cannot cancel saga '"
                + run.sagaId
                + "': step '"
                + run.stepDef(i).name()
                + "' ("
                + run.stepDef(i).kind()
                + ") was already sent; past the pivot a saga only moves forward");
      }
    }
    StepTransitions.startCompensation(run, "cancelled: " + cancel.reason());
    Progress.advance(run);
    return run.applied();
  }
}
