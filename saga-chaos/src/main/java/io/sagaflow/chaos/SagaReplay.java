package io.sagaflow.chaos;

import io.sagaflow.chaos.EventLedger.CommittedEvent;
import io.sagaflow.contract.SagaEvent;
import io.sagaflow.engine.Decision;
import io.sagaflow.engine.DefinitionResolver;
import io.sagaflow.engine.InputVerdict;
import io.sagaflow.engine.Outbound;
import io.sagaflow.engine.SagaDefinition;
import io.sagaflow.engine.SagaEngine;
import io.sagaflow.engine.SagaInput;
import io.sagaflow.engine.SagaState;
import io.sagaflow.engine.Timer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Replays one saga's committed inputs through the pure engine, with the timer firings the live run
 * made, and says whether that explains every committed event of the saga.
 *
 * <p>Kafka fixes the order of a saga's requests among themselves and of its replies among
 * themselves (offsets of one partition each), not the order across the two topics, and timers fire
 * on the processor's wall clock, which no topic records. The committed events do record the order
 * in which the processor applied its decisions, so the replay takes the next input or due timer
 * whose decision writes exactly the next committed events (type, step, attempt, status, reason),
 * deciding it at those events' time; an input that changes nothing (a duplicate, a stale or invalid
 * reply) is passed over when nothing else explains the next event. Inputs are tried before timers,
 * requests before replies. A timer counts only when it is pending in the replayed state and due by
 * the event's time: a timer fired early, or one the replay never scheduled, explains nothing.
 *
 * <p>Every input consumed and every event explained, the replayed state is what the store must
 * hold. When some committed event is explained by no input and no timer, or an input left over
 * would still change the saga, the replay stops there and names it.
 */
final class SagaReplay {
  private SagaReplay() {}

  /**
   * A decision the replay matched to committed events.
   *
   * @param input the input that caused it, or empty for a timer
   * @param timer the timer that fired, or empty for an input
   * @param first the first committed event it wrote
   */
  record Applied(Optional<InputRecord> input, Optional<Timer> timer, CommittedEvent first) {}

  /**
   * What replaying one saga gave.
   *
   * @param state the replayed state; empty when nothing was applied
   * @param applied every decision matched to committed events, in order
   * @param passedOver inputs that changed nothing
   * @param divergence where the replay could not follow the committed record, in words
   */
  record Result(
      Optional<SagaState<?>> state,
      List<Applied> applied,
      int passedOver,
      Optional<String> divergence) {
    /** Copies the list. */
    Result {
      applied = List.copyOf(applied);
    }
  }

  /** Replays {@code requests} and {@code replies} (each in offset order) against {@code events}. */
  static Result replay(
      DefinitionResolver definitions,
      List<InputRecord> requests,
      List<InputRecord> replies,
      List<CommittedEvent> events) {
    return new Run(definitions, requests, replies, events).run();
  }

  /** One replay's cursor over the inputs and the events. */
  private static final class Run {
    private final DefinitionResolver definitions;
    private final List<InputRecord> requests;
    private final List<InputRecord> replies;
    private final List<CommittedEvent> events;
    private final List<Applied> applied = new ArrayList<>();
    private Optional<SagaState<?>> state = Optional.empty();
    private int request;
    private int reply;
    private int cursor;
    private int passedOver;

    /** The first input passed over since the last decision the replay matched. */
    private Optional<String> firstPassedOver = Optional.empty();

    Run(
        DefinitionResolver definitions,
        List<InputRecord> requests,
        List<InputRecord> replies,
        List<CommittedEvent> events) {
      this.definitions = definitions;
      this.requests = requests;
      this.replies = replies;
      this.events = events;
    }

    Result run() {
      while (true) {
        List<Candidate> inputs = nextInputs();
        if (cursor == events.size()) {
          Optional<Candidate> changing =
              inputs.stream().filter(c -> c.decision.verdict() == InputVerdict.APPLIED).findFirst();
          if (changing.isPresent()) {
            return diverged(
                changing.get().describe()
                    + " would still change the saga, but saga.events holds nothing more of it");
          }
          if (inputs.isEmpty()) {
            return new Result(state, applied, passedOver, Optional.empty());
          }
          inputs.forEach(this::passOver);
          continue;
        }
        CommittedEvent head = events.get(cursor);
        Instant now = head.event().getAt();
        inputs = nextInputs(now);
        Optional<Candidate> explaining =
            inputs.stream().filter(this::explainsHead).findFirst().or(() -> dueTimer(now));
        if (explaining.isPresent()) {
          accept(explaining.get(), head);
          continue;
        }
        List<Candidate> unchanged =
            inputs.stream().filter(c -> c.decision.verdict() != InputVerdict.APPLIED).toList();
        if (!unchanged.isEmpty()) {
          passOver(unchanged.get(0));
          continue;
        }
        return diverged(unexplained(head, inputs, now));
      }
    }

    private List<Candidate> nextInputs() {
      Instant now = cursor == 0 ? Instant.EPOCH : events.get(cursor - 1).event().getAt();
      return nextInputs(now);
    }

    private List<Candidate> nextInputs(Instant now) {
      List<Candidate> next = new ArrayList<>(2);
      if (request < requests.size()) {
        InputRecord r = requests.get(request);
        next.add(new Candidate(true, Optional.of(r), Optional.empty(), decide(r.input(), now)));
      }
      if (reply < replies.size()) {
        InputRecord r = replies.get(reply);
        next.add(new Candidate(false, Optional.of(r), Optional.empty(), decide(r.input(), now)));
      }
      return next;
    }

    private Optional<Candidate> dueTimer(Instant now) {
      if (state.isEmpty()) {
        return Optional.empty();
      }
      return state.get().pendingTimers().stream()
          // Millis: the live processor decided on a state read back from the changelog.
          .filter(t -> t.dueAt().toEpochMilli() <= now.toEpochMilli())
          .sorted(Comparator.comparing(Timer::dueAt))
          .map(
              t ->
                  new Candidate(
                      false,
                      Optional.empty(),
                      Optional.of(t),
                      decide(new SagaInput.TimerFired(t), now)))
          .filter(this::explainsHead)
          .findFirst();
    }

    private Decision<?> decide(SagaInput input, Instant now) {
      try {
        if (state.isEmpty()
            && input instanceof SagaInput.Start<?> start
            && start.rollout().isPresent()) {
          // As the coordinator does: a rollout's placement, not the request, names the version.
          return decideNew(
              definitions
                  .forStart(Optional.empty(), start.type(), start.rollout().map(r -> r.version()))
                  .orElseThrow(),
              input,
              now);
        }
        return SagaEngine.decide(definitions, state, input, now);
      } catch (RuntimeException e) {
        // The live processor dead-letters an input whose decision throws; it changes nothing.
        return Decision.unchanged(InputVerdict.INVALID, "the decision failed: " + e);
      }
    }

    private static <D> Decision<D> decideNew(
        SagaDefinition<D> definition, SagaInput input, Instant now) {
      return SagaEngine.decide(definition, Optional.empty(), input, now);
    }

    private boolean explainsHead(Candidate c) {
      List<Outbound.LifecycleEvent> written = c.decision.events();
      if (c.decision.verdict() != InputVerdict.APPLIED
          || written.isEmpty()
          || cursor + written.size() > events.size()) {
        return false;
      }
      for (int i = 0; i < written.size(); i++) {
        if (!same(written.get(i), events.get(cursor + i).event())) {
          return false;
        }
      }
      return true;
    }

    private void accept(Candidate c, CommittedEvent head) {
      state = Optional.of(c.decision.nextState().orElseThrow());
      cursor += c.decision.events().size();
      applied.add(new Applied(c.input, c.timer, head));
      firstPassedOver = Optional.empty();
      consume(c);
    }

    private void passOver(Candidate c) {
      passedOver++;
      if (firstPassedOver.isEmpty()) {
        firstPassedOver = Optional.of(c.describe());
      }
      consume(c);
    }

    private void consume(Candidate c) {
      if (c.input.isEmpty()) {
        return;
      }
      if (c.request) {
        request++;
      } else {
        reply++;
      }
    }

    private Result diverged(String why) {
      return new Result(
          state,
          applied,
          passedOver,
          Optional.of("after " + applied.size() + " replayed decision(s), " + why));
    }

    private String unexplained(CommittedEvent head, List<Candidate> inputs, Instant now) {
      StringBuilder why = new StringBuilder(head.toString()).append(" is explained by no input");
      if (inputs.isEmpty()) {
        why.append(" (none left)");
      }
      for (Candidate c : inputs) {
        why.append("; ").append(c.describe());
      }
      firstPassedOver.ifPresent(
          p -> why.append("; first input passed over since the last match: ").append(p));
      List<Timer> timers = state.map(SagaState::pendingTimers).orElse(List.of());
      why.append("; pending timers ")
          .append(
              timers.stream()
                  .map(
                      t ->
                          t.kind()
                              + " "
                              + t.step().orElse("-")
                              + " #"
                              + t.attempt()
                              + (t.dueAt().toEpochMilli() > now.toEpochMilli()
                                  ? " not due until "
                                  : " due ")
                              + t.dueAt())
                  .toList());
      return why.toString();
    }
  }

  /**
   * A next input or a due timer, with the engine's decision on it.
   *
   * @param request true for the next request, false for the next reply or a timer
   */
  private record Candidate(
      boolean request, Optional<InputRecord> input, Optional<Timer> timer, Decision<?> decision) {
    String describe() {
      String what = input.map(InputRecord::describe).orElse("timer " + timer.map(Timer::kind));
      if (decision.verdict() != InputVerdict.APPLIED) {
        return what
            + " changes nothing ("
            + decision.verdict()
            + decision.reason().map(r -> ": " + r).orElse("")
            + ")";
      }
      return what
          + " writes "
          + decision.events().stream()
              .map(e -> e.eventType() + " " + e.step().orElse("") + " -> " + e.status())
              .toList();
    }
  }

  private static boolean same(Outbound.LifecycleEvent replayed, SagaEvent committed) {
    return replayed.eventType().name().equals(committed.getEventType().name())
        && replayed.step().equals(Optional.ofNullable(committed.getStep()))
        && replayed.attempt().equals(Optional.ofNullable(committed.getAttempt()))
        && replayed.status().name().equals(committed.getStatus())
        && Objects.equals(replayed.reason().orElse(null), committed.getReason());
  }
}
