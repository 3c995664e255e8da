package io.sagaflow.chaos;

import io.sagaflow.contract.SagaStateRecord;
import io.sagaflow.contract.StepStateRecord;
import io.sagaflow.contract.TimerRecord;
import io.sagaflow.contract.TransitionRecord;
import io.sagaflow.engine.SagaState;
import io.sagaflow.engine.StepError;
import io.sagaflow.engine.StepState;
import io.sagaflow.engine.Timer;
import io.sagaflow.engine.Transition;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * The first difference between a replayed saga state and the saga's last changelog record, field by
 * field in the order a reader cares about: status, steps, timers, failure, history, times, data.
 *
 * <p>The replay decides each input at the time of the events it wrote, which is the time the live
 * processor decided it, so even the times in the state (due times, history, started and finished
 * steps) must be equal.
 */
final class StateComparison {
  private StateComparison() {}

  /** Empty when {@code replayed} and {@code stored} hold the same saga state. */
  static Optional<String> firstDifference(SagaState<?> replayed, StoredState stored) {
    SagaStateRecord r = stored.record();
    Optional<String> d = differ("status", r.getStatus(), replayed.status().name());
    d = d.or(() -> differ("steps", r.getSteps().size(), replayed.steps().size()));
    for (int i = 0; i < Math.min(r.getSteps().size(), replayed.steps().size()); i++) {
      StepStateRecord s = r.getSteps().get(i);
      StepState p = replayed.steps().get(i);
      d = d.or(() -> step(s, p));
    }
    d =
        d.or(
            () ->
                differ(
                    "pending timers",
                    r.getTimers().stream().map(StateComparison::timer).toList(),
                    replayed.pendingTimers().stream().map(StateComparison::timer).toList()));
    d = d.or(() -> differ("last error", r.getLastError(), replayed.lastError().orElse(null)));
    d =
        d.or(
            () ->
                differ(
                    "history",
                    r.getHistory().stream().map(StateComparison::transition).toList(),
                    replayed.history().stream().map(StateComparison::transition).toList()));
    d = d.or(() -> differ("createdAt", r.getCreatedAt(), replayed.createdAt()));
    d = d.or(() -> differ("updatedAt", r.getUpdatedAt(), replayed.updatedAt()));
    return d.or(
        () ->
            stored.data().isEmpty()
                ? Optional.of("data: the changelog's data could not be decoded")
                : differ("data", stored.data().get(), replayed.data()));
  }

  private static Optional<String> step(StepStateRecord s, StepState p) {
    String at = "step " + s.getName() + " ";
    Optional<StepError> error = p.lastError();
    return differ(at + "name", s.getName(), p.name())
        .or(() -> differ(at + "status", s.getStatus(), p.status().name()))
        .or(() -> differ(at + "attempt", s.getAttempt(), p.attempt()))
        .or(
            () ->
                differ(
                    at + "compensation attempt",
                    s.getCompensationAttempt(),
                    p.compensationAttempt()))
        .or(
            () ->
                differ(
                    at + "command id",
                    s.getCommandId(),
                    p.commandId().map(UUID::toString).orElse(null)))
        .or(
            () ->
                differ(
                    at + "last error",
                    error(s),
                    error.map(e -> e.code() + " " + e.kind() + " #" + e.attempt()).orElse(null)))
        .or(() -> differ(at + "mayHaveApplied", s.getMayHaveApplied(), p.mayHaveApplied()))
        .or(() -> differ(at + "startedAt", s.getStartedAt(), p.startedAt().orElse(null)))
        .or(() -> differ(at + "finishedAt", s.getFinishedAt(), p.finishedAt().orElse(null)));
  }

  private static String error(StepStateRecord s) {
    return s.getLastErrorCode() == null
        ? null
        : s.getLastErrorCode() + " " + s.getLastErrorKind() + " #" + s.getLastErrorAttempt();
  }

  private static String timer(TimerRecord t) {
    return t.getKind()
        + " "
        + (t.getStep() == null ? "-" : t.getStep())
        + " #"
        + t.getAttempt()
        + " due "
        + millis(t.getDueAt());
  }

  private static String timer(Timer t) {
    return t.kind() + " " + t.step().orElse("-") + " #" + t.attempt() + " due " + millis(t.dueAt());
  }

  private static String transition(TransitionRecord t) {
    return (t.getFrom().isEmpty() ? "-" : t.getFrom())
        + " -> "
        + t.getTo()
        + " at "
        + millis(t.getAt())
        + ": "
        + t.getCause();
  }

  private static String transition(Transition t) {
    return t.from().map(Enum::name).orElse("-")
        + " -> "
        + t.to()
        + " at "
        + millis(t.at())
        + ": "
        + t.cause();
  }

  /** The changelog keeps timestamp-millis; the engine may compute finer times. */
  private static Instant millis(Instant at) {
    return Instant.ofEpochMilli(at.toEpochMilli());
  }

  private static Optional<String> differ(String what, Object stored, Object replayed) {
    return Objects.equals(normal(stored), normal(replayed))
        ? Optional.empty()
        : Optional.of(what + ": changelog " + stored + ", replay " + replayed);
  }

  private static Object normal(Object value) {
    return value instanceof Instant i ? i.toEpochMilli() : value;
  }
}
