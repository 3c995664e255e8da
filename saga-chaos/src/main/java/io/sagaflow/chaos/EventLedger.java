package io.sagaflow.chaos;

import io.sagaflow.contract.SagaEvent;
import io.sagaflow.contract.SagaEventType;
import io.sagaflow.engine.SagaStatus;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code saga.events} says about each saga, fed in offset order: one saga lives on one
 * partition, so that is the order its events happened in.
 */
final class EventLedger {
  private final Map<String, SagaTrack> sagas = new HashMap<>();
  private long events;

  /**
   * One saga as its events tell it.
   *
   * @param status the status after its last event
   * @param terminalEvents how many SAGA_COMPLETED, SAGA_COMPENSATED or SAGA_FAILED events it has;
   *     exactly one for a finished saga
   * @param stuckReason the reason of its last SAGA_STUCK event, when it has one
   */
  record SagaTrack(SagaStatus status, int terminalEvents, Optional<String> stuckReason) {}

  /** Applies one event; events of one saga must come in the order they were written. */
  void add(SagaEvent event) {
    events++;
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

  /** Events read, of every saga. */
  long events() {
    return events;
  }

  private static boolean isTerminal(SagaEventType type) {
    return type == SagaEventType.SAGA_COMPLETED
        || type == SagaEventType.SAGA_COMPENSATED
        || type == SagaEventType.SAGA_FAILED;
  }
}
