package io.sagaflow.engine;

import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

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

  /**
   * Classifies a reply that reaches a saga after its end as a repeat when it answers an attempt the
   * saga already settled the way the reply says: a participant that redelivers its replies (a
   * restart before its consumer committed) must not fill the dead-letter topic. A reply to an older
   * attempt is stale, as it would be before the end. Anything else (a reply that contradicts what
   * the saga recorded, or to a command never sent) is left to the caller: dead-lettered as
   * AFTER_END, because an operator has to look at it.
   */
  static <D> Optional<Decision<D>> repeatAfterEnd(
      SagaDefinition<D> def, SagaState<D> state, SagaInput.StepReply reply) {
    Optional<Integer> index = def.indexOf(reply.step());
    Optional<CommandKind> kind = kindOf(state.sagaId(), reply);
    if (index.isEmpty() || kind.isEmpty()) {
      return Optional.empty();
    }
    StepState step = state.steps().get(index.get());
    CommandKind commandKind = kind.get();
    int current = step.attemptOf(commandKind);
    String what =
        "reply to step '"
            + reply.step()
            + "' attempt "
            + reply.attempt()
            + " ("
            + commandKind
            + ") after saga '"
            + state.sagaId()
            + "' ended "
            + state.status();
    if (reply.attempt() < current) {
      return Optional.of(
          Decision.unchanged(
              InputVerdict.STALE_ATTEMPT, what + ": superseded by attempt " + current));
    }
    if (reply.attempt() == current && recorded(step, commandKind, reply)) {
      return Optional.of(
          Decision.unchanged(
              InputVerdict.DUPLICATE, what + ": already applied; step is " + step.status()));
    }
    return Optional.empty();
  }

  /** True when the step's record says its current attempt of {@code kind} ended as the reply. */
  private static boolean recorded(StepState step, CommandKind kind, SagaInput.StepReply reply) {
    Outcome outcome = reply.outcome();
    if (outcome instanceof Outcome.Succeeded) {
      return kind == CommandKind.ACTION
          ? ACTION_SUCCEEDED.contains(step.status())
          : step.status() == StepStatus.COMPENSATED;
    }
    String code =
        outcome instanceof Outcome.BusinessFailure business
            ? business.code()
            : ((Outcome.RetriableFailure) outcome).code();
    return step.lastError()
        .filter(e -> e.kind() == kind && e.attempt() == reply.attempt() && e.code().equals(code))
        .isPresent();
  }

  /** The statuses a step can only reach after its action succeeded. */
  private static final Set<StepStatus> ACTION_SUCCEEDED =
      EnumSet.of(
          StepStatus.SUCCEEDED,
          StepStatus.COMPENSATING,
          StepStatus.COMPENSATION_RETRY_SCHEDULED,
          StepStatus.COMPENSATED,
          StepStatus.COMPENSATION_FAILED,
          StepStatus.COMPENSATION_SKIPPED);

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
