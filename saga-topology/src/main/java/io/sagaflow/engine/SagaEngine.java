package io.sagaflow.engine;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The saga engine: one pure function from (definition, state, input, now) to a {@link Decision}.
 *
 * <p>Callers may rely on this:
 *
 * <ul>
 *   <li>It reads no clock, no random source, no environment and performs no IO; {@code now} is the
 *       only time it knows. The same arguments always give an equal decision with the same {@link
 *       Decision#canonical()} text.
 *   <li>Every input gets an {@link InputVerdict}. Only APPLIED comes with a next state; every other
 *       verdict comes with a reason and no changes, so nothing is applied twice and nothing is
 *       dropped without a trace.
 *   <li>An exception means a bug (an illegal status transition) or a throwing user function in the
 *       definition (a command factory or reply mapping); the input should then go to the DLQ.
 * </ul>
 */
public final class SagaEngine {
  private SagaEngine() {}

  /**
   * Decides what one input does to one saga.
   *
   * @param def the definition the saga runs on: for a start the requested (or latest) version,
   *     otherwise the version recorded in {@code state}
   * @param state the saga's stored state; empty when none exists
   * @param input what happened
   * @param now the current time, supplied by the caller
   */
  public static <D> Decision<D> decide(
      SagaDefinition<D> def, Optional<SagaState<D>> state, SagaInput input, Instant now) {
    Objects.requireNonNull(def, "def");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(now, "now");
    if (input instanceof SagaInput.Start<?> start) {
      return StartRule.apply(def, state, start, now);
    }
    String kind = input.getClass().getSimpleName();
    if (state.isEmpty()) {
      return Decision.unchanged(
          InputVerdict.UNKNOWN_SAGA, kind + " for a saga that does not exist");
    }
    SagaState<D> current = state.get();
    if (!current.type().equals(def.type()) || current.definitionVersion() != def.version()) {
      return Decision.unchanged(
          InputVerdict.INVALID,
          "saga '"
              + current.sagaId()
              + "' runs on '"
              + current.type()
              + "' v"
              + current.definitionVersion()
              + " but was decided with "
              + def
              + "; look the definition up by the state's type and version");
    }
    if (current.status().isTerminal()) {
      if (input instanceof SagaInput.StepReply reply) {
        Optional<Decision<D>> repeat = ReplyRule.repeatAfterEnd(def, current, reply);
        if (repeat.isPresent()) {
          return repeat.get();
        }
      }
      return Decision.unchanged(
          InputVerdict.AFTER_END,
          kind + " arrived after saga '" + current.sagaId() + "' ended " + current.status());
    }
    Run<D> run = Run.resume(def, current, now);
    if (input instanceof SagaInput.StepReply reply) {
      return ReplyRule.apply(run, reply);
    } else if (input instanceof SagaInput.TimerFired fired) {
      return TimerRule.apply(run, fired);
    } else if (input instanceof SagaInput.Cancel cancel) {
      return CancelRule.apply(run, cancel);
    }
    return OperatorRule.apply(run, (SagaInput.OperatorCommand) input);
  }

  /**
   * Decides with the definition {@link DefinitionResolver} picks: the one recorded in the state, or
   * for a start the requested version (latest when absent). An input no definition applies to is
   * UNKNOWN_SAGA, with the resolver's reason.
   */
  public static Decision<?> decide(
      SagaRegistry registry, Optional<SagaState<?>> state, SagaInput input, Instant now) {
    return decide(new DefinitionResolver(registry), state, input, now);
  }

  /** As {@link #decide(SagaRegistry, Optional, SagaInput, Instant)}, with a resolver at hand. */
  public static Decision<?> decide(
      DefinitionResolver definitions, Optional<SagaState<?>> state, SagaInput input, Instant now) {
    Resolution resolution = definitions.forInput(state.map(DefinitionResolver.Recorded::of), input);
    if (resolution instanceof Resolution.Absent absent) {
      return Decision.unchanged(InputVerdict.UNKNOWN_SAGA, absent.reason());
    }
    return decideTyped(resolution.orElseThrow(), state, input, now);
  }

  private static <D> Decision<D> decideTyped(
      SagaDefinition<D> def, Optional<SagaState<?>> state, SagaInput input, Instant now) {
    return decide(def, state.map(s -> typed(def, s)), input, now);
  }

  /** Re-types a stored state; a ClassCastException means the stored data has another type. */
  private static <D> SagaState<D> typed(SagaDefinition<D> def, SagaState<?> state) {
    return new SagaState<>(
        state.sagaId(),
        state.type(),
        state.definitionVersion(),
        state.status(),
        def.dataType().cast(state.data()),
        state.steps(),
        state.pendingTimers(),
        state.history(),
        state.traceparent(),
        state.lastError(),
        state.createdAt(),
        state.updatedAt(),
        state.rollout());
  }
}
