package io.sagaflow.api;

import io.sagaflow.contract.SagaStateRecord;
import java.util.Set;

/** The search's step filter over this instance's saga-state store (active replica). */
final class StepProbes implements LocalSearch.StepProbe {
  /** Step statuses of a step being worked on, or parked, in a saga that has not ended. */
  private static final Set<String> OPEN =
      Set.of(
          "AWAITING_REPLY",
          "RETRY_SCHEDULED",
          "FAILED",
          "COMPENSATING",
          "COMPENSATION_RETRY_SCHEDULED",
          "COMPENSATION_FAILED");

  private static final Set<String> ENDED = Set.of("COMPLETED", "COMPENSATED", "FAILED");

  private final LocalStore store;

  StepProbes(LocalStore store) {
    this.store = store;
  }

  @Override
  public boolean matches(int partition, String sagaId, SearchQuery.StepFilter filter) {
    LocalStore.Read read = store.read(sagaId, partition, true);
    if (read instanceof LocalStore.Unavailable u) {
      throw ApiProblem.unavailable(
          "store-unavailable",
          "A step filter needs each saga's state, and partition "
              + partition
              + " of saga-state cannot be read now ("
              + u.reason()
              + "). Retry shortly.",
          1);
    }
    return ((LocalStore.Found) read).state().map(state -> matches(state, filter)).orElse(false);
  }

  private static boolean matches(SagaStateRecord state, SearchQuery.StepFilter filter) {
    return state.getSteps().stream()
        .filter(s -> s.getName().equals(filter.name()))
        .anyMatch(
            s ->
                filter
                    .status()
                    .map(wanted -> wanted.name().equals(s.getStatus()))
                    .orElse(OPEN.contains(s.getStatus()) && !ENDED.contains(state.getStatus())));
  }
}
