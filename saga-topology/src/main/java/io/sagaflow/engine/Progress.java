package io.sagaflow.engine;

import java.util.Optional;

/**
 * Moves a saga on after an input was applied: forward, stage by stage, while RUNNING; backward,
 * stage by stage in reverse, while COMPENSATING; and into a terminal status when nothing is left. A
 * STUCK saga does not progress (commands already in flight still get their replies applied).
 */
final class Progress {
  private Progress() {}

  static <D> void advance(Run<D> run) {
    if (run.status == SagaStatus.RUNNING) {
      forward(run);
    } else if (run.status == SagaStatus.COMPENSATING) {
      backward(run);
    }
  }

  /** Sends the pending steps of the first stage that has not fully succeeded; joins groups. */
  private static <D> void forward(Run<D> run) {
    SagaDefinition<D> def = run.def;
    for (int stage = 0; stage < def.stages().size(); stage++) {
      if (allDone(run, def.firstStepOf(stage), def.endOf(stage))) {
        continue;
      }
      for (int i = def.firstStepOf(stage); i < def.endOf(stage); i++) {
        if (run.step(i).status() == StepStatus.PENDING) {
          if (run.stepDef(i).kind() != StepKind.COMPENSATABLE) {
            // The deadline only guards the reversible part; past this point it cannot act.
            run.cancelTimer(TimerKind.DEADLINE, Optional.empty(), 0);
          }
          run.sendAction(i);
        }
      }
      return;
    }
    run.move(SagaStatus.COMPLETED, "all steps succeeded", EventType.SAGA_COMPLETED);
  }

  private static <D> boolean allDone(Run<D> run, int from, int to) {
    for (int i = from; i < to; i++) {
      StepStatus status = run.step(i).status();
      if (status != StepStatus.SUCCEEDED && status != StepStatus.SKIPPED) {
        return false;
      }
    }
    return true;
  }

  /**
   * Compensates the last stage that still has work, all its branches at once, and waits for that
   * stage to settle before touching the stage before it (reverse order per branch).
   */
  private static <D> void backward(Run<D> run) {
    SagaDefinition<D> def = run.def;
    for (int stage = def.stages().size() - 1; stage >= 0; stage--) {
      boolean settled = true;
      for (int i = def.firstStepOf(stage); i < def.endOf(stage); i++) {
        if (needsCompensation(run, i)) {
          run.sendCompensation(i);
          settled = false;
        } else if (!isSettled(run.step(i).status())) {
          settled = false;
        }
      }
      if (!settled) {
        return;
      }
    }
    boolean partial = run.stepStatesMatch(s -> s.status() == StepStatus.COMPENSATION_SKIPPED);
    if (partial) {
      run.move(
          SagaStatus.FAILED,
          "rolled back partially: an operator skipped at least one compensation",
          EventType.SAGA_FAILED);
    } else {
      run.move(
          SagaStatus.COMPENSATED,
          "every completed step was compensated",
          EventType.SAGA_COMPENSATED);
    }
  }

  /**
   * A compensatable step needs compensating when it succeeded, or when it failed after an attempt
   * timed out (its effect may have happened; compensations are idempotent, so undoing a no-op is
   * safe, while leaving a possible effect in place is not).
   */
  static <D> boolean needsCompensation(Run<D> run, int index) {
    StepState state = run.step(index);
    return run.stepDef(index).kind() == StepKind.COMPENSATABLE
        && (state.status() == StepStatus.SUCCEEDED
            || (state.status() == StepStatus.FAILED && state.mayHaveApplied()));
  }

  private static boolean isSettled(StepStatus status) {
    return !status.isInFlight() && status != StepStatus.COMPENSATION_FAILED;
  }
}
