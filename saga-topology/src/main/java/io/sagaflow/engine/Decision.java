package io.sagaflow.engine;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The complete result of one {@link SagaEngine#decide} call: what to store, what to send, which
 * timers to change, which invariants broke, and how the input was classified.
 *
 * <p>All parts are values; {@link #equals} and {@link #toString} depend only on them, so two
 * decisions from the same inputs are equal and have the same {@link #canonical()} text, which is
 * what the determinism tests compare.
 *
 * @param <D> saga data type
 * @param verdict how the input was classified
 * @param reason why, for every verdict other than APPLIED
 * @param nextState the state to store; empty means nothing changes
 * @param outbound commands and lifecycle events, in the order they must be written
 * @param timerChanges timers to schedule or cancel, in order
 * @param violations invariants that did not hold for {@code nextState}
 */
public record Decision<D>(
    InputVerdict verdict,
    Optional<String> reason,
    Optional<SagaState<D>> nextState,
    List<Outbound> outbound,
    List<TimerChange> timerChanges,
    List<InvariantViolation> violations) {

  /** Copies lists so the value cannot change. */
  public Decision {
    Objects.requireNonNull(verdict, "verdict");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(nextState, "nextState");
    outbound = List.copyOf(outbound);
    timerChanges = List.copyOf(timerChanges);
    violations = List.copyOf(violations);
  }

  /** A decision that changes nothing, for an input classified as {@code verdict}. */
  public static <D> Decision<D> unchanged(InputVerdict verdict, String reason) {
    return new Decision<>(
        verdict, Optional.of(reason), Optional.empty(), List.of(), List.of(), List.of());
  }

  /** The commands among the outbound records, in order. */
  public List<Outbound.Command> commands() {
    return outbound.stream()
        .filter(Outbound.Command.class::isInstance)
        .map(Outbound.Command.class::cast)
        .toList();
  }

  /** The lifecycle events among the outbound records, in order. */
  public List<Outbound.LifecycleEvent> events() {
    return outbound.stream()
        .filter(Outbound.LifecycleEvent.class::isInstance)
        .map(Outbound.LifecycleEvent.class::cast)
        .toList();
  }

  /** A canonical text of the whole decision; equal decisions give identical text. */
  public String canonical() {
    return toString();
  }
}
