package io.sagaflow.engine;

import java.util.ArrayList;
import java.util.List;

/** Evaluates a definition's invariants over a next state. */
final class Invariants {
  private Invariants() {}

  /**
   * The invariants that do not hold. A predicate that throws counts as violated (with the exception
   * in the message) rather than failing the decision: a broken check must be seen, not crash the
   * saga.
   */
  static <D> List<InvariantViolation> check(SagaDefinition<D> def, SagaState<D> state) {
    List<InvariantViolation> violations = new ArrayList<>();
    for (Invariant<D> invariant : def.invariants()) {
      try {
        if (!invariant.predicate().test(state)) {
          violations.add(new InvariantViolation(invariant.name(), "does not hold " + where(state)));
        }
      } catch (RuntimeException e) {
        violations.add(
            new InvariantViolation(
                invariant.name(), "threw " + e + " when checked " + where(state)));
      }
    }
    return violations;
  }

  // Built only for a violation: formatting the time on every check cost each decision a few
  // microseconds for text that was then thrown away.
  private static String where(SagaState<?> state) {
    return "in status " + state.status() + " at " + state.updatedAt();
  }
}
