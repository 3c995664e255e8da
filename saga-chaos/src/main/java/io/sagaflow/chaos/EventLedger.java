package io.sagaflow.chaos;

import io.sagaflow.contract.SagaEvent;
import io.sagaflow.contract.SagaEventType;
import io.sagaflow.engine.RolloutAssignment;
import io.sagaflow.engine.SagaStatus;
import io.sagaflow.serde.SagaEventFacts;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code saga.events} says about each saga, fed in offset order: one saga lives on one
 * partition, so that is the order its events happened in. A record reports one decision's facts;
 * the ledger keeps each fact as an event of its own ({@link SagaEventFacts#of}), all at the
 * record's offset, in the order the decision had them.
 */
final class EventLedger {
  private final Map<String, SagaTrack> sagas = new HashMap<>();
  private final Map<String, List<CommittedEvent>> bySaga = new HashMap<>();
  private long events;

  /**
   * One committed event and where it is: the replay matches its decisions against these, and the
   * timer check orders decisions of one task by their offsets.
   *
   * @param event the event: one fact
   * @param partition its saga.events partition
   * @param offset the offset of the record that reported it
   */
  record CommittedEvent(SagaEvent event, int partition, long offset) {
    /** {@code saga.events-<partition>@<offset>}. */
    String where() {
      return "saga.events-" + partition + "@" + offset;
    }

    @Override
    public String toString() {
      SagaEvent e = event;
      return String.format(
          Locale.ROOT,
          "%s %s%s -> %s%s at %s (%s)",
          e.getEventType(),
          e.getStep() == null ? "" : e.getStep(),
          e.getAttempt() == null ? "" : " #" + e.getAttempt(),
          e.getStatus(),
          e.getReason() == null ? "" : " [" + e.getReason() + "]",
          e.getAt(),
          where());
    }
  }

  /**
   * One saga as its events tell it.
   *
   * @param status the status after its last event
   * @param terminalEvents how many SAGA_COMPLETED, SAGA_COMPENSATED or SAGA_FAILED events it has;
   *     exactly one for a finished saga
   * @param stuckReason the reason of its last SAGA_STUCK event, when it has one
   */
  record SagaTrack(SagaStatus status, int terminalEvents, Optional<String> stuckReason) {}

  /** As {@link #add(SagaEvent, int, long)}, for an event whose place does not matter. */
  void add(SagaEvent event) {
    add(event, 0, events);
  }

  /**
   * Applies one record read at {@code partition}/{@code offset}, fact by fact; records of one saga
   * must come in the order they were written.
   */
  void add(SagaEvent record, int partition, long offset) {
    for (SagaEvent fact : SagaEventFacts.of(record)) {
      addFact(fact, partition, offset);
    }
  }

  private void addFact(SagaEvent event, int partition, long offset) {
    events++;
    bySaga
        .computeIfAbsent(event.getSagaId(), k -> new ArrayList<>())
        .add(new CommittedEvent(event, partition, offset));
    SagaStatus status = SagaStatus.valueOf(event.getStatus());
    SagaTrack before = sagas.get(event.getSagaId());
    int terminal = before == null ? 0 : before.terminalEvents();
    Optional<String> reason = before == null ? Optional.empty() : before.stuckReason();
    if (isTerminal(event.getEventType())) {
      terminal++;
    }
    if (event.getEventType() == SagaEventType.SAGA_STUCK) {
      reason = Optional.ofNullable(event.getReason()).filter(r -> !r.isBlank());
    }
    sagas.put(event.getSagaId(), new SagaTrack(status, terminal, reason));
  }

  /** The saga's track, empty when no event of it was committed. */
  Optional<SagaTrack> track(String sagaId) {
    return Optional.ofNullable(sagas.get(sagaId));
  }

  /** The saga's committed events in the order they were written; empty when it has none. */
  List<CommittedEvent> of(String sagaId) {
    return List.copyOf(bySaga.getOrDefault(sagaId, List.of()));
  }

  /**
   * How a rollout placed the saga, as its SAGA_STARTED event records it: the processor's input to
   * the start decision, which the replay must give the engine too. Empty when no rollout placed it.
   */
  Optional<RolloutAssignment> placement(String sagaId) {
    return bySaga.getOrDefault(sagaId, List.of()).stream()
        .map(CommittedEvent::event)
        .filter(e -> e.getEventType() == SagaEventType.SAGA_STARTED && e.getRolloutId() != null)
        .findFirst()
        .map(
            e ->
                new RolloutAssignment(
                    e.getRolloutId(),
                    e.getRolloutGeneration(),
                    e.getRolloutWeight(),
                    e.getRolloutBucket(),
                    RolloutAssignment.RolloutRole.valueOf(e.getRolloutRole()),
                    e.getDefinitionVersion()));
  }

  /** Facts read, of every saga. */
  long events() {
    return events;
  }

  private static boolean isTerminal(SagaEventType type) {
    return type == SagaEventType.SAGA_COMPLETED
        || type == SagaEventType.SAGA_COMPENSATED
        || type == SagaEventType.SAGA_FAILED;
  }
}
