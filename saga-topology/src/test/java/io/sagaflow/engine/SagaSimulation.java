package io.sagaflow.engine;

import io.sagaflow.engine.Fixtures.Order;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Plays one generated history against the engine the way the topology would: a random prefix of
 * replies (successes, failures, duplicates, stale attempts, in any order), timer firings, cancels
 * and operator commands, then a drain in which every outstanding command succeeds and every timer
 * fires until nothing is left to do. Records every input, its time and its decision.
 */
final class SagaSimulation {
  static final String SAGA = "sim-1";
  private static final Instant T0 = Instant.parse("2024-01-01T00:00:00Z");
  private static final int DRAIN_LIMIT = 1_000;

  final SagaDefinition<Order> def;
  final List<SagaInput> inputs = new ArrayList<>();
  final List<Instant> times = new ArrayList<>();
  final List<Decision<Order>> decisions = new ArrayList<>();

  /** Steps whose action was reported applied (success) or possibly applied (timeout), in order. */
  final List<String> possiblyApplied = new ArrayList<>();

  /** For each command sent, how many steps were possibly applied at that moment. */
  final List<Integer> appliedCountAtCommand = new ArrayList<>();

  final List<Outbound.Command> commands = new ArrayList<>();
  private final List<SagaInput.StepReply> fedReplies = new ArrayList<>();
  private Optional<SagaState<Order>> state = Optional.empty();
  private Instant now = T0;

  private SagaSimulation(SagaDefinition<Order> def) {
    this.def = def;
  }

  static SagaSimulation run(SagaDefinition<Order> def, List<Integer> choices) {
    SagaSimulation sim = new SagaSimulation(def);
    sim.feed(
        new SagaInput.Start<>(
            SAGA, def.type(), Optional.empty(), Fixtures.order(), Optional.empty()));
    for (int choice : choices) {
      if (sim.state().status().isTerminal()) {
        break;
      }
      List<SagaInput> options = sim.options();
      sim.feed(options.get(choice % options.size()));
    }
    sim.drain();
    return sim;
  }

  SagaState<Order> state() {
    return state.orElseThrow();
  }

  /** Re-decides the recorded inputs from scratch. */
  List<Decision<Order>> replay() {
    List<Decision<Order>> replayed = new ArrayList<>();
    Optional<SagaState<Order>> current = Optional.empty();
    for (int i = 0; i < inputs.size(); i++) {
      Decision<Order> decision = SagaEngine.decide(def, current, inputs.get(i), times.get(i));
      replayed.add(decision);
      if (decision.nextState().isPresent()) {
        current = decision.nextState();
      }
    }
    return replayed;
  }

  private void drain() {
    for (int i = 0; i < DRAIN_LIMIT && !state().status().isTerminal(); i++) {
      List<SagaInput.StepReply> outstanding = outstanding(Outcome.Succeeded.empty());
      if (!outstanding.isEmpty()) {
        feed(outstanding.get(0));
      } else if (!state().pendingTimers().isEmpty()) {
        feed(earliestTimer());
      } else {
        return;
      }
    }
  }

  private List<SagaInput> options() {
    List<SagaInput> options = new ArrayList<>();
    for (SagaInput.StepReply success : outstanding(Outcome.Succeeded.empty())) {
      options.add(success);
      options.add(success);
      options.add(withOutcome(success, new Outcome.BusinessFailure("NO", "declined")));
      options.add(withOutcome(success, new Outcome.RetriableFailure("BUSY", "busy")));
      options.add(withOutcome(success, new Outcome.RetriableFailure("FATAL", "non-retriable")));
      if (success.attempt() > 1) {
        int older = success.attempt() - 1;
        CommandKind kind = kindOf(success);
        options.add(
            new SagaInput.StepReply(
                success.step(),
                older,
                Ids.commandId(SAGA, success.step(), older, kind),
                Outcome.Succeeded.empty()));
      }
    }
    if (!state().pendingTimers().isEmpty()) {
      options.add(earliestTimer());
      options.add(earliestTimer());
    }
    if (!fedReplies.isEmpty()) {
      options.add(fedReplies.get(fedReplies.size() - 1));
      options.add(fedReplies.get(0));
    }
    options.add(new SagaInput.Cancel("generated cancel"));
    for (StepDefinition<Order> step : def.steps()) {
      if (state().step(step.name()).orElseThrow().status() != StepStatus.PENDING) {
        options.add(
            new SagaInput.OperatorCommand(
                OperatorAction.RETRY_STEP, Optional.of(step.name()), "generated"));
        options.add(
            new SagaInput.OperatorCommand(
                OperatorAction.SKIP_STEP, Optional.of(step.name()), "generated"));
      }
    }
    options.add(
        new SagaInput.OperatorCommand(
            OperatorAction.FORCE_COMPENSATION, Optional.empty(), "generated"));
    return options;
  }

  private static CommandKind kindOf(SagaInput.StepReply reply) {
    return Ids.commandId(SAGA, reply.step(), reply.attempt(), CommandKind.ACTION)
            .equals(reply.commandId())
        ? CommandKind.ACTION
        : CommandKind.COMPENSATION;
  }

  private static SagaInput.StepReply withOutcome(SagaInput.StepReply reply, Outcome outcome) {
    return new SagaInput.StepReply(reply.step(), reply.attempt(), reply.commandId(), outcome);
  }

  private List<SagaInput.StepReply> outstanding(Outcome outcome) {
    List<SagaInput.StepReply> replies = new ArrayList<>();
    for (StepState step : state().steps()) {
      if (step.status() == StepStatus.AWAITING_REPLY) {
        replies.add(reply(step.name(), step.attempt(), CommandKind.ACTION, outcome));
      } else if (step.status() == StepStatus.COMPENSATING) {
        replies.add(
            reply(step.name(), step.compensationAttempt(), CommandKind.COMPENSATION, outcome));
      }
    }
    return replies;
  }

  private static SagaInput.StepReply reply(
      String step, int attempt, CommandKind kind, Outcome outcome) {
    return new SagaInput.StepReply(
        step, attempt, Ids.commandId(SAGA, step, attempt, kind), outcome);
  }

  private SagaInput.TimerFired earliestTimer() {
    return new SagaInput.TimerFired(
        state().pendingTimers().stream().min(Comparator.comparing(Timer::dueAt)).orElseThrow());
  }

  private void feed(SagaInput input) {
    if (input instanceof SagaInput.TimerFired fired && fired.timer().dueAt().isAfter(now)) {
      now = fired.timer().dueAt();
    } else {
      now = now.plus(Duration.ofMillis(1));
    }
    Decision<Order> decision = SagaEngine.decide(def, state, input, now);
    inputs.add(input);
    times.add(now);
    decisions.add(decision);
    if (decision.verdict() == InputVerdict.APPLIED) {
      notePossiblyApplied(input);
    }
    if (input instanceof SagaInput.StepReply reply) {
      fedReplies.add(reply);
    }
    for (Outbound.Command command : decision.commands()) {
      commands.add(command);
      appliedCountAtCommand.add(possiblyApplied.size());
    }
    decision.nextState().ifPresent(next -> state = Optional.of(next));
  }

  private void notePossiblyApplied(SagaInput input) {
    if (input instanceof SagaInput.StepReply reply
        && reply.outcome() instanceof Outcome.Succeeded
        && kindOf(reply) == CommandKind.ACTION) {
      possiblyApplied.add(reply.step());
    } else if (input instanceof SagaInput.TimerFired fired
        && fired.timer().kind() == TimerKind.STEP_TIMEOUT) {
      possiblyApplied.add(fired.timer().step().orElseThrow());
    }
  }
}
