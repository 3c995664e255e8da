package io.sagaflow.engine;

import java.util.Optional;

/**
 * Classifies a participant's reply against the saga's state (unknown step, foreign command id,
 * stale attempt, duplicate, reply after a timeout) and applies it only when it answers the command
 * the step is waiting for. That check is what makes redelivered replies harmless.
 */
final class ReplyRule {
  private ReplyRule() {}

  static <D> Decision<D> apply(Run<D> run, SagaInput.StepReply reply) {
    Optional<Integer> found = run.def.indexOf(reply.step());
    if (found.isEmpty()) {
      return Decision.unchanged(
          InputVerdict.UNKNOWN_STEP,
          "saga '"
              + run.sagaId
              + "' ("
              + run.def.type()
              + " v"
              + run.def.version()
              + ") has no step '"
              + reply.step()
              + "'");
    }
    int index = found.get();
    StepState state = run.step(index);
    String what = "reply to step '" + reply.step() + "' attempt " + reply.attempt();
    Optional<CommandKind> kind = kindOf(run.sagaId, reply);
    if (kind.isEmpty()) {
      return Decision.unchanged(
          InputVerdict.INVALID,
          what + ": command id " + reply.commandId() + " is not a command of this step");
    }
    CommandKind commandKind = kind.get();
    int current = state.attemptOf(commandKind);
    if (reply.attempt() < current) {
      return Decision.unchanged(
          InputVerdict.STALE_ATTEMPT,
          what + " (" + commandKind + ") is superseded by attempt " + current);
    }
    if (reply.attempt() > current) {
      return Decision.unchanged(
          InputVerdict.INVALID,
          what + " (" + commandKind + ") was never sent; last attempt is " + current);
    }
    if (!state.awaits(commandKind)) {
      boolean timedOut =
          state.lastError().filter(e -> e.isTimeoutOf(commandKind, reply.attempt())).isPresent();
      return timedOut
          ? Decision.unchanged(
              InputVerdict.STALE_ATTEMPT,
              what + " (" + commandKind + ") arrived after that attempt timed out")
          : Decision.unchanged(
              InputVerdict.DUPLICATE,
              what + " (" + commandKind + ") was already applied; step is " + state.status());
    }
    Optional<String> typeProblem = resultTypeProblem(run.stepDef(index), reply.outcome());
    if (typeProblem.isPresent()) {
      return Decision.unchanged(InputVerdict.INVALID, what + ": " + typeProblem.get());
    }
    if (commandKind == CommandKind.ACTION) {
      run.cancelTimer(TimerKind.STEP_TIMEOUT, Optional.of(reply.step()), reply.attempt());
      applyToAction(run, index, reply.outcome());
    } else {
      run.cancelTimer(TimerKind.COMPENSATION_TIMEOUT, Optional.of(reply.step()), reply.attempt());
      applyToCompensation(run, index, reply.outcome());
    }
    Progress.advance(run);
    return run.applied();
  }

  private static Optional<CommandKind> kindOf(String sagaId, SagaInput.StepReply reply) {
    for (CommandKind kind : CommandKind.values()) {
      if (Ids.commandId(sagaId, reply.step(), reply.attempt(), kind).equals(reply.commandId())) {
        return Optional.of(kind);
      }
    }
    return Optional.empty();
  }

  private static <D> Optional<String> resultTypeProblem(StepDefinition<D> step, Outcome outcome) {
    if (outcome instanceof Outcome.Succeeded succeeded
        && succeeded.result().isPresent()
        && step.onSuccess().isPresent()
        && !step.onSuccess().get().accepts(succeeded.result().get())) {
      return Optional.of(
          "result of type "
              + succeeded.result().get().getClass().getName()
              + " but the step maps "
              + step.onSuccess().get().resultType().getName());
    }
    return Optional.empty();
  }

  private static <D> void applyToAction(Run<D> run, int index, Outcome outcome) {
    int attempt = run.step(index).attempt();
    if (outcome instanceof Outcome.Succeeded succeeded) {
      StepTransitions.actionSucceeded(run, index, succeeded.result());
    } else if (outcome instanceof Outcome.RetriableFailure failure) {
      StepError error =
          StepTransitions.error(
              failure.code(), failure.message(), CommandKind.ACTION, attempt, run);
      boolean retriable = run.stepDef(index).effectiveRetryPolicy().isRetriable(failure.code());
      StepTransitions.actionAttemptFailed(run, index, error, retriable);
    } else {
      Outcome.BusinessFailure failure = (Outcome.BusinessFailure) outcome;
      StepTransitions.actionFailed(
          run,
          index,
          StepTransitions.error(
              failure.code(), failure.message(), CommandKind.ACTION, attempt, run));
    }
  }

  private static <D> void applyToCompensation(Run<D> run, int index, Outcome outcome) {
    int attempt = run.step(index).compensationAttempt();
    if (outcome instanceof Outcome.Succeeded) {
      StepTransitions.compensationSucceeded(run, index);
    } else if (outcome instanceof Outcome.RetriableFailure failure) {
      StepError error =
          StepTransitions.error(
              failure.code(), failure.message(), CommandKind.COMPENSATION, attempt, run);
      boolean retriable = run.stepDef(index).compensationRetryPolicy().isRetriable(failure.code());
      StepTransitions.compensationAttemptFailed(run, index, error, retriable);
    } else {
      Outcome.BusinessFailure failure = (Outcome.BusinessFailure) outcome;
      StepTransitions.compensationFailed(
          run,
          index,
          StepTransitions.error(
              failure.code(), failure.message(), CommandKind.COMPENSATION, attempt, run));
    }
  }
}
