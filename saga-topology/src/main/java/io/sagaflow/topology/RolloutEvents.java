package io.sagaflow.topology;

import io.sagaflow.contract.Rollout;
import io.sagaflow.contract.RolloutEvent;
import io.sagaflow.contract.RolloutRequest;
import io.sagaflow.engine.Ids;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;

/**
 * The records of the hook topic. Ids are name-based: one fact (a rollout's generation reached by a
 * change, or one rejected request) always has one id, which webhook receivers deduplicate on.
 */
final class RolloutEvents {
  static final String STARTED = "ROLLOUT_STARTED";
  static final String PROMOTED = "ROLLOUT_PROMOTED";
  static final String ROLLED_BACK = "ROLLOUT_ROLLED_BACK";
  static final String REJECTED = "ROLLOUT_REJECTED";

  private RolloutEvents() {}

  static RolloutEvent changed(
      String eventType,
      Rollout rollout,
      Optional<String> requestId,
      Optional<RolloutGuards.Failure> failure,
      int cancelledSagas,
      String reason,
      Instant now) {
    return RolloutEvent.newBuilder()
        .setEventId(
            id(eventType, rollout.getSagaType(), rollout.getRolloutId(), rollout.getGeneration()))
        .setEventType(eventType)
        .setSagaType(rollout.getSagaType())
        .setRolloutId(rollout.getRolloutId())
        .setGeneration(rollout.getGeneration())
        .setRequestId(requestId.orElse(null))
        .setStableVersion(rollout.getStableVersion())
        .setCandidateVersion(rollout.getCandidateVersion())
        .setGuard(rollout.getGuard())
        .setObserved(failure.map(RolloutGuards.Failure::observed).orElse(null))
        .setThreshold(failure.map(RolloutGuards.Failure::threshold).orElse(null))
        .setCancelledSagas(cancelledSagas)
        .setReason(reason)
        .setAt(now)
        .build();
  }

  static RolloutEvent rejected(RolloutRequest request, String reason, Instant now) {
    return RolloutEvent.newBuilder()
        .setEventId(id(REJECTED, request.getSagaType(), request.getRequestId(), 0))
        .setEventType(REJECTED)
        .setSagaType(request.getSagaType())
        .setRequestId(request.getRequestId())
        .setReason(reason)
        .setAt(now)
        .build();
  }

  private static String id(String eventType, String sagaType, String rolloutId, long generation) {
    String name =
        "rollout-event\u0000"
            + sagaType
            + '\u0000'
            + rolloutId
            + '\u0000'
            + generation
            + '\u0000'
            + eventType;
    return Ids.nameBased(name.getBytes(StandardCharsets.UTF_8)).toString();
  }
}
