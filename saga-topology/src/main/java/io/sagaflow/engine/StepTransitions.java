package io.sagaflow.engine;

import java.util.Optional;

/**
 * The transitions an outcome (a reply's outcome, the Avro {@code StepOutcome}, or a timeout) causes
 * in a step and, through it, in the saga: success, retry with back-off, definitive failure,
 * rollback or parking. The single place where failure semantics live; the rules only classify
 * inputs and call in here.
 */
final class StepTransitions {
  private StepTransitions() {}

  static <D> void actionSucceeded(Run<D> run, int index, Optional<Object> result) {
    StepDefinition<D> step = run.stepDef(index);
    if (result.isPresent() && step.onSuccess().isPresent()) {
      run.data = step.onSuccess().get().apply(run.data, result.get());
    }
    StepState state = run.step(index);
    run.set(index, state.finished(StepStatus.SUCCEEDED, run.now));
    run.stepEvent(EventType.STEP_SUCCEEDED, index, state.attempt(), Optional.empty());
  }

  /**
   * An action attempt failed retriably or timed out: retry while the saga moves forward and the
   * policy allows, otherwise the step fails. During a rollback an in-flight action is never
   * retried.
   */
  static <D> void actionAttemptFailed(Run<D> run, int index, StepError error, boolean retriable) {
    StepDefinition<D> step = run.stepDef(index);
    StepState state = run.step(index);
    RetryPolicy policy = step.effectiveRetryPolicy();
    if (retriable
        && run.phase() == SagaStatus.RUNNING
        && policy.allowsAttemptAfter(state.attempt())) {
      run.set(index, state.failedWith(StepStatus.RETRY_SCHEDULED, error, Optional.empty()));
      long seed =
          Ids.jitterSeed(
              Ids.commandId(run.sagaId, step.name(), state.attempt(), CommandKind.ACTION));
      run.schedule(
          TimerKind.RETRY_DUE,
          step.name(),
          state.attempt() + 1,
          run.now.plus(policy.backoffAfter(state.attempt(), seed)));
      run.stepEvent(
          EventType.STEP_RETRY_SCHEDULED, index, state.attempt(), Optional.of(error.describe()));
    } else {
      actionFailed(run, index, error);
    }
  }

  /**
   * The action failed for good. Before the pivot this rolls the saga back; a pivot whose outcome is
   * unknown (it timed out) and any step after the pivot park the saga instead, because undoing the
   * steps before a pivot that may have taken effect would leave the business inconsistent.
   */
  static <D> void actionFailed(Run<D> run, int index, StepError error) {
    StepDefinition<D> step = run.stepDef(index);
    StepState failed = run.step(index).failedWith(StepStatus.FAILED, error, Optional.of(run.now));
    run.set(index, failed);
    String cause = "step '" + step.name() + "' failed: " + error.describe();
    run.lastError = Optional.of(cause);
    run.stepEvent(EventType.STEP_FAILED, index, failed.attempt(), Optional.of(error.describe()));
    if (run.phase() == SagaStatus.COMPENSATING) {
      return; // an in-flight step of a saga already rolling back: Progress compensates if needed
    }
    if (step.kind() == StepKind.COMPENSATABLE
        || (step.kind() == StepKind.PIVOT && !failed.mayHaveApplied())) {
      startCompensation(run, cause);
    } else if (step.kind() == StepKind.PIVOT) {
      park(
          run,
          "outcome of pivot '"
              + step.name()
              + "' is unknown after attempt "
              + failed.attempt()
              + " timed out; check the participant, then RETRY_STEP, SKIP_STEP (it took effect)"
              + " or FORCE_COMPENSATION (it did not)");
    } else {
      park(
          run,
          "step '"
              + step.name()
              + "' after the pivot failed ("
              + error.describe()
              + ") after "
              + failed.attempt()
              + " attempt(s); forward recovery needs RETRY_STEP or SKIP_STEP");
    }
  }

  static <D> void compensationSucceeded(Run<D> run, int index) {
    StepState state = run.step(index);
    run.set(index, state.finished(StepStatus.COMPENSATED, run.now));
    run.stepEvent(EventType.STEP_COMPENSATED, index, state.compensationAttempt(), Optional.empty());
  }

  /** A compensation attempt failed retriably or timed out: retry by its policy, else park. */
  static <D> void compensationAttemptFailed(
      Run<D> run, int index, StepError error, boolean retriable) {
    StepDefinition<D> step = run.stepDef(index);
    StepState state = run.step(index);
    RetryPolicy policy = step.compensationRetryPolicy();
    int attempt = state.compensationAttempt();
    if (retriable && policy.allowsAttemptAfter(attempt)) {
      run.set(
          index,
          state.failedWith(StepStatus.COMPENSATION_RETRY_SCHEDULED, error, Optional.empty()));
      long seed =
          Ids.jitterSeed(Ids.commandId(run.sagaId, step.name(), attempt, CommandKind.COMPENSATION));
      run.schedule(
          TimerKind.COMPENSATION_RETRY_DUE,
          step.name(),
          attempt + 1,
          run.now.plus(policy.backoffAfter(attempt, seed)));
      run.stepEvent(
          EventType.COMPENSATION_RETRY_SCHEDULED, index, attempt, Optional.of(error.describe()));
    } else {
      compensationFailed(run, index, error);
    }
  }

  /** A compensation that cannot succeed by retrying parks the saga for an operator. */
  static <D> void compensationFailed(Run<D> run, int index, StepError error) {
    StepState state = run.step(index);
    run.set(index, state.failedWith(StepStatus.COMPENSATION_FAILED, error, Optional.of(run.now)));
    run.stepEvent(
        EventType.COMPENSATION_FAILED,
        index,
        state.compensationAttempt(),
        Optional.of(error.describe()));
    park(
        run,
        "compensation of step '"
            + state.name()
            + "' failed after "
            + state.compensationAttempt()
            + " attempt(s) ("
            + error.describe()
            + "); repair the participant, then RETRY_STEP or SKIP_STEP");
  }

  /**
   * Moves the saga to COMPENSATING. Actions waiting for a retry are abandoned (their timers
   * cancelled); actions still awaiting a reply keep their timeout, and {@link Progress} compensates
   * them only once their outcome is known.
   */
  static <D> void startCompensation(Run<D> run, String cause) {
    run.move(SagaStatus.COMPENSATING, cause, EventType.SAGA_COMPENSATING);
    run.cancelTimer(TimerKind.DEADLINE, Optional.empty(), 0);
    for (int i = 0; i < run.stepCount(); i++) {
      StepState state = run.step(i);
      if (state.status() == StepStatus.RETRY_SCHEDULED) {
        run.cancelTimer(TimerKind.RETRY_DUE, Optional.of(state.name()), state.attempt() + 1);
        run.set(i, state.finished(StepStatus.FAILED, run.now));
        run.stepEvent(
            EventType.STEP_FAILED,
            i,
            state.attempt(),
            Optional.of("retry abandoned: the saga is compensating"));
      }
    }
  }

  static <D> void park(Run<D> run, String reason) {
    run.lastError = Optional.of(reason);
    if (run.status == SagaStatus.STUCK) {
      run.event(EventType.SAGA_STUCK, Optional.empty(), Optional.empty(), Optional.of(reason));
    } else {
      run.move(SagaStatus.STUCK, reason, EventType.SAGA_STUCK);
    }
  }

  static StepError error(String code, String message, CommandKind kind, int attempt, Run<?> run) {
    return new StepError(code, message, kind, attempt, run.now);
  }
}
