package io.sagaflow.engine;

import java.util.Optional;

/**
 * Operator commands repair a STUCK saga: retry or skip the step that parked it, or force a rollback
 * while that is still meaningful. Once no step blocks any more, the saga resumes the phase (RUNNING
 * or COMPENSATING) it was parked from.
 */
final class OperatorRule {
  private OperatorRule() {}

  static <D> Decision<D> apply(Run<D> run, SagaInput.OperatorCommand command) {
    if (run.status != SagaStatus.STUCK) {
      return Decision.unchanged(
          InputVerdict.REFUSED,
          command.action()
              + " applies only to STUCK sagas; saga '"
              + run.sagaId
              + "' is "
              + run.status);
    }
    String cause = "operator " + command.action() + ": " + command.reason();
    SagaStatus phase = run.phase();
    if (command.action() == OperatorAction.FORCE_COMPENSATION) {
      Optional<String> refusal = forceRefusal(run, phase);
      if (refusal.isPresent()) {
        return Decision.unchanged(InputVerdict.REFUSED, refusal.get());
      }
      StepTransitions.startCompensation(run, cause);
      Progress.advance(run);
      return run.applied();
    }
    if (command.step().isEmpty()) {
      return Decision.unchanged(
          InputVerdict.INVALID, command.action() + " needs the name of the step to act on");
    }
    Optional<Integer> found = run.def.indexOf(command.step().get());
    if (found.isEmpty()) {
      return Decision.unchanged(
          InputVerdict.UNKNOWN_STEP,
          "saga '" + run.sagaId + "' has no step '" + command.step().get() + "'");
    }
    int index = found.get();
    StepState state = run.step(index);
    boolean retry = command.action() == OperatorAction.RETRY_STEP;
    if (state.status() == StepStatus.FAILED && phase == SagaStatus.RUNNING) {
      if (retry) {
        run.sendAction(index);
      } else {
        run.set(index, state.finished(StepStatus.SKIPPED, run.now));
        run.stepEvent(EventType.STEP_SKIPPED, index, state.attempt(), Optional.of(cause));
      }
    } else if (state.status() == StepStatus.COMPENSATION_FAILED) {
      if (retry) {
        run.sendCompensation(index);
      } else {
        run.set(index, state.finished(StepStatus.COMPENSATION_SKIPPED, run.now));
        run.stepEvent(
            EventType.COMPENSATION_SKIPPED, index, state.compensationAttempt(), Optional.of(cause));
      }
    } else {
      return Decision.unchanged(
          InputVerdict.REFUSED,
          "step '"
              + state.name()
              + "' is "
              + state.status()
              + "; only the failed step that parked the saga (FAILED, or COMPENSATION_FAILED)"
              + " can be retried or skipped");
    }
    StepStatus blocking =
        phase == SagaStatus.RUNNING ? StepStatus.FAILED : StepStatus.COMPENSATION_FAILED;
    if (!run.stepStatesMatch(s -> s.status() == blocking)) {
      run.move(phase, cause, EventType.SAGA_RESUMED);
    }
    Progress.advance(run);
    return run.applied();
  }

  private static <D> Optional<String> forceRefusal(Run<D> run, SagaStatus phase) {
    if (phase == SagaStatus.COMPENSATING) {
      return Optional.of(
          "saga '"
              + run.sagaId
              + "' is already rolling back; RETRY_STEP or SKIP_STEP its failed compensation");
    }
    for (int i = 0; i < run.stepCount(); i++) {
      StepStatus status = run.step(i).status();
      if (run.stepDef(i).kind() != StepKind.COMPENSATABLE
          && (status == StepStatus.SUCCEEDED
              || status == StepStatus.SKIPPED
              || status.isInFlight())) {
        return Optional.of(
            "step '"
                + run.stepDef(i).name()
                + "' ("
                + run.stepDef(i).kind()
                + ") is "
                + status
                + "; past the pivot only forward recovery (RETRY_STEP, SKIP_STEP) is possible");
      }
    }
    return Optional.empty();
  }
}
