package io.sagaflow.engine;

import java.util.Objects;
import java.util.function.Predicate;

/**
 * A named predicate that must hold for a saga's state after every transition. A violation does not
 * stop the saga: it is reported in the {@link Decision} and as an event, so that metrics and the
 * preview rollout's rollback hook can react.
 *
 * @param <D> saga data type
 * @param name unique within the definition; names the metric and the event reason
 * @param predicate pure check over the state; true means the invariant holds
 */
public record Invariant<D>(String name, Predicate<SagaState<D>> predicate) {

  /** Rejects missing parts. */
  public Invariant {
    Objects.requireNonNull(name, "invariant name");
    Objects.requireNonNull(predicate, "predicate of invariant " + name);
  }
}
