package io.sagaflow.serde;

import io.sagaflow.contract.SagaEvent;
import io.sagaflow.contract.SagaFact;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a {@code saga.events} record as the lifecycle facts it reports. A record carries one
 * decision's facts: the first in its top-level fields, the others in {@code furtherFacts}; records
 * written before that field existed carry one fact each. Every consumer that reacts to, counts or
 * orders facts reads them through here, so a fact folded into {@code furtherFacts} is never missed
 * by looking at the top-level event type alone.
 */
public final class SagaEventFacts {

  private SagaEventFacts() {}

  /**
   * The record's facts in the order they happened, each as a one-fact event with the record's saga
   * id, type, version and time. Rollout fields stay on the first fact (they describe SAGA_STARTED);
   * every returned event has empty {@code furtherFacts}. A record without further facts is returned
   * as itself.
   */
  public static List<SagaEvent> of(SagaEvent event) {
    List<SagaFact> further = event.getFurtherFacts();
    if (further.isEmpty()) {
      return List.of(event);
    }
    // The constructors, not the builders: consumers such as the benchmark expand every record they
    // read, and a builder deep-copies each field's default.
    List<SagaEvent> facts = new ArrayList<>(further.size() + 1);
    facts.add(
        new SagaEvent(
            event.getSagaId(),
            event.getSagaType(),
            event.getDefinitionVersion(),
            event.getEventType(),
            event.getStep(),
            event.getAttempt(),
            event.getStatus(),
            event.getReason(),
            event.getAt(),
            event.getRolloutId(),
            event.getRolloutGeneration(),
            event.getRolloutWeight(),
            event.getRolloutBucket(),
            event.getRolloutRole(),
            List.of()));
    for (SagaFact fact : further) {
      facts.add(
          new SagaEvent(
              event.getSagaId(),
              event.getSagaType(),
              event.getDefinitionVersion(),
              fact.getEventType(),
              fact.getStep(),
              fact.getAttempt(),
              fact.getStatus(),
              fact.getReason(),
              event.getAt(),
              null,
              null,
              null,
              null,
              null,
              List.of()));
    }
    return List.copyOf(facts);
  }

  /** The facts of {@code events}, record after record, each expanded by {@link #of}. */
  public static List<SagaEvent> ofAll(Iterable<SagaEvent> events) {
    List<SagaEvent> facts = new ArrayList<>();
    events.forEach(event -> facts.addAll(of(event)));
    return facts;
  }
}
