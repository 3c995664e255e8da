package io.sagaflow.engine;

import java.util.Optional;

/**
 * Applies a fired timer. Only a timer still pending in the state counts: one cancelled because its
 * reply came first, or delivered twice, is reported as stale and changes nothing.
 */
final class TimerRule {
  private TimerRule() {}

  static <D> Decision<D> apply(Run<D> run, SagaInput.TimerFired fired) {
    Optional<Timer> pending = run.consumeTimer(fired.timer());
    if (pending.isEmpty()) {
      Timer timer = fired.timer();
      return Decision.unchanged(
          InputVerdict.STALE_ATTEMPT,
          "timer "
              + timer.kind()
              + " for step '"
              + timer.step().orElse("-")
              + "' attempt "
              + timer.attempt()
              + " is not pending (already delivered, or cancelled when its reply came)");
    }
    Timer timer = pending.get();
    switch (timer.kind()) {
      case DEADLINE ->
          StepTransitions.startCompensation(
              run, "deadline of " + run.def.deadline().orElseThrow() + " exceeded");
      case STEP_TIMEOUT ->
          StepTransitions.actionAttemptFailed(
              run, stepIndex(run, timer), timeout(run, CommandKind.ACTION, timer.attempt()), true);
      case RETRY_DUE -> run.sendAction(stepIndex(run, timer));
      case COMPENSATION_TIMEOUT ->
          StepTransitions.compensationAttemptFailed(
              run,
              stepIndex(run, timer),
              timeout(run, CommandKind.COMPENSATION, timer.attempt()),
              true);
      case COMPENSATION_RETRY_DUE -> run.sendCompensation(stepIndex(run, timer));
    }
    Progress.advance(run);
    return run.applied();
  }

  private static int stepIndex(Run<?> run, Timer timer) {
    return run.def.indexOf(timer.step().orElseThrow()).orElseThrow();
  }

  private static StepError timeout(Run<?> run, CommandKind kind, int attempt) {
    return StepTransitions.error(
        StepError.TIMEOUT, "no reply within the step timeout", kind, attempt, run);
  }
}
