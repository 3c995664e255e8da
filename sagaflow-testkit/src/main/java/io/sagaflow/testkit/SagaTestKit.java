package io.sagaflow.testkit;

import io.sagaflow.engine.Decision;
import io.sagaflow.engine.InputVerdict;
import io.sagaflow.engine.OperatorAction;
import io.sagaflow.engine.Outbound;
import io.sagaflow.engine.Outcome;
import io.sagaflow.engine.SagaDefinition;
import io.sagaflow.engine.SagaEngine;
import io.sagaflow.engine.SagaInput;
import io.sagaflow.engine.SagaState;
import io.sagaflow.engine.SagaStatus;
import io.sagaflow.engine.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Drives one saga through the pure engine the way the topology would, for users' own tests: feed
 * inputs, move a virtual clock (due timers fire in order, each at its due time), and check the
 * emitted commands and the status. No Kafka, no threads, no wall clock.
 *
 * <pre>{@code
 * SagaTestKit.given(definition)
 *     .start("order-1", data)
 *     .expectLastCommands("reserve-stock:ACTION")
 *     .succeed("reserve-stock")
 *     .failBusiness("charge-card", "DECLINED")
 *     .expectLastCommands("reserve-stock:COMPENSATION")
 *     .succeed("reserve-stock")
 *     .expectStatus(SagaStatus.COMPENSATED);
 * }</pre>
 *
 * <p>Expectations throw {@link AssertionError} with the saga's state in the message, so the kit
 * works with any test framework. Not thread-safe: one kit per test.
 *
 * @param <D> saga data type
 */
public final class SagaTestKit<D> {
  private final SagaDefinition<D> definition;
  private Instant now = Instant.parse("2024-01-01T00:00:00Z");
  private Optional<SagaState<D>> state = Optional.empty();
  private final List<Decision<D>> decisions = new ArrayList<>();
  private final List<Outbound.Command> commands = new ArrayList<>();
  private final List<Outbound.Command> lastCommands = new ArrayList<>();
  private Optional<Decision<D>> lastDecision = Optional.empty();

  private SagaTestKit(SagaDefinition<D> definition) {
    this.definition = Objects.requireNonNull(definition, "definition");
  }

  /** A kit for sagas of {@code definition}, with the clock at 2024-01-01T00:00:00Z. */
  public static <D> SagaTestKit<D> given(SagaDefinition<D> definition) {
    return new SagaTestKit<>(definition);
  }

  /** Sets the virtual clock (before the first input, or to jump without firing timers). */
  public SagaTestKit<D> at(Instant instant) {
    this.now = Objects.requireNonNull(instant, "instant");
    return this;
  }

  /** Starts the saga with {@code data} on this kit's definition version. */
  public SagaTestKit<D> start(String sagaId, D data) {
    return feed(
        new SagaInput.Start<>(
            sagaId, definition.type(), Optional.of(definition.version()), data, Optional.empty()));
  }

  /** The participant reports success (no result) for the latest command of {@code step}. */
  public SagaTestKit<D> succeed(String step) {
    return reply(step, Outcome.Succeeded.empty());
  }

  /** The participant reports success with {@code result} for the latest command of {@code step}. */
  public SagaTestKit<D> succeed(String step, Object result) {
    return reply(step, new Outcome.Succeeded(Optional.of(result)));
  }

  /** The participant refuses the latest command of {@code step} for a business reason. */
  public SagaTestKit<D> failBusiness(String step, String code) {
    return reply(step, new Outcome.BusinessFailure(code, "business failure " + code));
  }

  /** The latest command of {@code step} failed transiently with {@code code}. */
  public SagaTestKit<D> failRetriably(String step, String code) {
    return reply(step, new Outcome.RetriableFailure(code, "transient failure " + code));
  }

  /**
   * Replies {@code outcome} to the latest command (action or compensation) sent for {@code step}.
   */
  public SagaTestKit<D> reply(String step, Outcome outcome) {
    Outbound.Command command = latestCommand(step);
    return feed(new SagaInput.StepReply(step, command.attempt(), command.commandId(), outcome));
  }

  /** Requests cancellation. */
  public SagaTestKit<D> cancel(String reason) {
    return feed(new SagaInput.Cancel(reason));
  }

  /** An operator command for a STUCK saga. */
  public SagaTestKit<D> operator(OperatorAction action, Optional<String> step) {
    return feed(new SagaInput.OperatorCommand(action, step, "test kit"));
  }

  /**
   * Moves the clock forward by {@code duration}, firing every timer that falls due on the way in
   * due order, each decided at its own due time (as a punctual topology would).
   */
  public SagaTestKit<D> advance(Duration duration) {
    Instant target = now.plus(duration);
    List<Outbound.Command> batch = new ArrayList<>();
    Optional<Timer> due = nextDue(target);
    while (due.isPresent()) {
      now = due.get().dueAt();
      feed(new SagaInput.TimerFired(due.get()));
      batch.addAll(lastCommands);
      due = nextDue(target);
    }
    now = target;
    lastCommands.clear();
    lastCommands.addAll(batch);
    return this;
  }

  /** Feeds any input at the current virtual time and records the decision. */
  public SagaTestKit<D> feed(SagaInput input) {
    Decision<D> decision = SagaEngine.decide(definition, state, input, now);
    decisions.add(decision);
    lastDecision = Optional.of(decision);
    decision.nextState().ifPresent(next -> state = Optional.of(next));
    lastCommands.clear();
    lastCommands.addAll(decision.commands());
    commands.addAll(decision.commands());
    return this;
  }

  /** The current virtual time. */
  public Instant now() {
    return now;
  }

  /** The saga's state; fails when it has not started. */
  public SagaState<D> state() {
    return state.orElseThrow(() -> new AssertionError("the saga has not started"));
  }

  /** The saga's status. */
  public SagaStatus status() {
    return state().status();
  }

  /** The latest decision; fails before the first input. */
  public Decision<D> lastDecision() {
    return lastDecision.orElseThrow(() -> new AssertionError("no input was fed yet"));
  }

  /** Every decision so far, in order. */
  public List<Decision<D>> decisions() {
    return List.copyOf(decisions);
  }

  /** Every command sent so far, in order. */
  public List<Outbound.Command> commands() {
    return List.copyOf(commands);
  }

  /** The commands sent by the latest kit call ({@link #advance} counts as one call). */
  public List<Outbound.Command> lastCommands() {
    return List.copyOf(lastCommands);
  }

  /** Fails unless the saga is in {@code expected}. */
  public SagaTestKit<D> expectStatus(SagaStatus expected) {
    check(status() == expected, "expected status " + expected + " but was " + status());
    return this;
  }

  /** Fails unless the latest input was classified as {@code expected}. */
  public SagaTestKit<D> expectVerdict(InputVerdict expected) {
    InputVerdict actual = lastDecision().verdict();
    check(
        actual == expected,
        "expected verdict " + expected + " but was " + actual + " " + lastDecision().reason());
    return this;
  }

  /**
   * Fails unless the latest kit call sent exactly these commands, in order, each written {@code
   * "step:ACTION"} or {@code "step:COMPENSATION"}.
   */
  public SagaTestKit<D> expectLastCommands(String... expected) {
    List<String> actual = lastCommands.stream().map(c -> c.step() + ":" + c.kind()).toList();
    check(
        actual.equals(List.of(expected)),
        "expected commands " + List.of(expected) + " but the last call sent " + actual);
    return this;
  }

  private Optional<Timer> nextDue(Instant target) {
    return state
        .filter(s -> !s.status().isTerminal())
        .flatMap(
            s ->
                s.pendingTimers().stream()
                    .filter(t -> !t.dueAt().isAfter(target))
                    .min(Comparator.comparing(Timer::dueAt)));
  }

  private Outbound.Command latestCommand(String step) {
    for (int i = commands.size() - 1; i >= 0; i--) {
      if (commands.get(i).step().equals(step)) {
        return commands.get(i);
      }
    }
    throw new AssertionError("no command was sent for step '" + step + "'; sent: " + commands);
  }

  private void check(boolean condition, String message) {
    if (!condition) {
      throw new AssertionError(message + "\nstate: " + state);
    }
  }
}
