package io.sagaflow.engine;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * The working copy of one saga during one decision. It is the only mutable object in the engine,
 * lives for a single {@code decide} call, and turns into an immutable {@link Decision} at the end.
 * All changes go through its methods so that state, outbound records and timer changes stay
 * consistent (a command always comes with its timeout timer and its event).
 */
final class Run<D> {
  final SagaDefinition<D> def;
  final Instant now;
  final String sagaId;
  private final Optional<String> traceparent;
  private final Instant createdAt;
  private final Optional<RolloutAssignment> rollout;
  private final List<StepState> steps;
  private final List<Timer> timers;
  private final List<Transition> history;
  private final List<Outbound> outbound = new ArrayList<>();
  private final List<TimerChange> timerChanges = new ArrayList<>();
  SagaStatus status;
  D data;
  Optional<String> lastError;

  private Run(SagaDefinition<D> def, SagaState<D> state, Instant now) {
    this.def = def;
    this.now = now;
    this.sagaId = state.sagaId();
    this.traceparent = state.traceparent();
    this.createdAt = state.createdAt();
    this.rollout = state.rollout();
    this.steps = new ArrayList<>(state.steps());
    this.timers = new ArrayList<>(state.pendingTimers());
    this.history = new ArrayList<>(state.history());
    this.status = state.status();
    this.data = state.data();
    this.lastError = state.lastError();
  }

  static <D> Run<D> resume(SagaDefinition<D> def, SagaState<D> state, Instant now) {
    return new Run<>(def, state, now);
  }

  static <D> Run<D> start(
      SagaDefinition<D> def,
      String sagaId,
      D data,
      Optional<String> traceparent,
      Optional<RolloutAssignment> rollout,
      Instant now) {
    List<StepState> steps = def.steps().stream().map(s -> StepState.pending(s.name())).toList();
    Transition started = new Transition(now, Optional.empty(), SagaStatus.RUNNING, "started");
    SagaState<D> initial =
        new SagaState<>(
            sagaId,
            def.type(),
            def.version(),
            SagaStatus.RUNNING,
            data,
            steps,
            List.of(),
            List.of(started),
            traceparent,
            Optional.empty(),
            now,
            now,
            rollout);
    Run<D> run = new Run<>(def, initial, now);
    run.outbound.add(
        new Outbound.LifecycleEvent(
            sagaId,
            def.type(),
            def.version(),
            EventType.SAGA_STARTED,
            Optional.empty(),
            Optional.empty(),
            run.status,
            Optional.empty(),
            now,
            rollout));
    return run;
  }

  StepDefinition<D> stepDef(int index) {
    return def.steps().get(index);
  }

  StepState step(int index) {
    return steps.get(index);
  }

  void set(int index, StepState state) {
    steps.set(index, state);
  }

  boolean stepStatesMatch(Predicate<StepState> predicate) {
    return steps.stream().anyMatch(predicate);
  }

  int stepCount() {
    return steps.size();
  }

  /** RUNNING or COMPENSATING: the status itself, or for a STUCK saga the one it was parked from. */
  SagaStatus phase() {
    if (status != SagaStatus.STUCK) {
      return status;
    }
    for (int i = history.size() - 1; ; i--) {
      Transition transition = history.get(i);
      if (transition.to() == SagaStatus.STUCK) {
        return transition.from().orElseThrow();
      }
    }
  }

  void move(SagaStatus to, String cause, EventType eventType) {
    SagaStatus from = status;
    status = from.checkTransitionTo(to);
    history.add(new Transition(now, Optional.of(from), to, cause));
    event(eventType, Optional.empty(), Optional.empty(), Optional.of(cause));
    if (to.isTerminal()) {
      for (Timer timer : timers) {
        timerChanges.add(new TimerChange.Cancel(timer));
      }
      timers.clear();
    }
  }

  void sendAction(int index) {
    StepDefinition<D> step = stepDef(index);
    int attempt = step(index).attempt() + 1;
    UUID id = Ids.commandId(sagaId, step.name(), attempt, CommandKind.ACTION);
    Object payload = step.action().apply(data);
    set(index, step(index).actionSent(id, now));
    outbound.add(
        new Outbound.Command(
            step.commandTopic(),
            sagaId,
            step.name(),
            attempt,
            CommandKind.ACTION,
            id,
            payload,
            traceparent));
    event(EventType.STEP_STARTED, Optional.of(step.name()), Optional.of(attempt), Optional.empty());
    schedule(TimerKind.STEP_TIMEOUT, step.name(), attempt, now.plus(step.timeout()));
  }

  void sendCompensation(int index) {
    StepDefinition<D> step = stepDef(index);
    int attempt = step(index).compensationAttempt() + 1;
    UUID id = Ids.commandId(sagaId, step.name(), attempt, CommandKind.COMPENSATION);
    Object payload = step.compensation().orElseThrow().apply(data);
    set(index, step(index).compensationSent(id));
    outbound.add(
        new Outbound.Command(
            step.effectiveCompensationTopic(),
            sagaId,
            step.name(),
            attempt,
            CommandKind.COMPENSATION,
            id,
            payload,
            traceparent));
    event(
        EventType.COMPENSATION_STARTED,
        Optional.of(step.name()),
        Optional.of(attempt),
        Optional.empty());
    schedule(TimerKind.COMPENSATION_TIMEOUT, step.name(), attempt, now.plus(step.timeout()));
  }

  void schedule(TimerKind kind, String step, int attempt, Instant dueAt) {
    addTimer(Timer.of(sagaId, kind, Optional.of(step), attempt, dueAt));
  }

  void scheduleDeadline(Instant dueAt) {
    addTimer(Timer.of(sagaId, TimerKind.DEADLINE, Optional.empty(), 0, dueAt));
  }

  private void addTimer(Timer timer) {
    timers.add(timer);
    timerChanges.add(new TimerChange.Schedule(timer));
  }

  /** Cancels the timer if it is pending; a timer that already fired or never existed is fine. */
  void cancelTimer(TimerKind kind, Optional<String> step, int attempt) {
    // The id is a digest of exactly these fields and the saga id, so comparing the fields finds
    // the same timer without hashing one per cancel (one per step).
    for (int i = 0; i < timers.size(); i++) {
      Timer pending = timers.get(i);
      if (pending.kind() == kind && pending.attempt() == attempt && pending.step().equals(step)) {
        timerChanges.add(new TimerChange.Cancel(timers.remove(i)));
        return;
      }
    }
  }

  /** Removes a delivered timer; empty when it was not pending (stale or duplicate delivery). */
  Optional<Timer> consumeTimer(Timer fired) {
    for (int i = 0; i < timers.size(); i++) {
      if (timers.get(i).timerId().equals(fired.timerId())) {
        return Optional.of(timers.remove(i));
      }
    }
    return Optional.empty();
  }

  void event(
      EventType type, Optional<String> step, Optional<Integer> attempt, Optional<String> reason) {
    outbound.add(
        new Outbound.LifecycleEvent(
            sagaId, def.type(), def.version(), type, step, attempt, status, reason, now));
  }

  void stepEvent(EventType type, int index, int attempt, Optional<String> reason) {
    event(type, Optional.of(stepDef(index).name()), Optional.of(attempt), reason);
  }

  Decision<D> applied() {
    SagaState<D> next =
        new SagaState<>(
            sagaId,
            def.type(),
            def.version(),
            status,
            data,
            steps,
            timers,
            history,
            traceparent,
            lastError,
            createdAt,
            now,
            rollout);
    List<InvariantViolation> violations = Invariants.check(def, next);
    for (InvariantViolation violation : violations) {
      event(
          EventType.INVARIANT_VIOLATED,
          Optional.empty(),
          Optional.empty(),
          Optional.of(violation.name() + ": " + violation.message()));
    }
    return new Decision<>(
        InputVerdict.APPLIED,
        Optional.empty(),
        Optional.of(next),
        outbound,
        timerChanges,
        violations);
  }
}
