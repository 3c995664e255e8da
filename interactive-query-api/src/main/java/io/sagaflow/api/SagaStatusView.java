package io.sagaflow.api;

import io.sagaflow.contract.SagaStateRecord;
import io.sagaflow.contract.StepStateRecord;
import io.sagaflow.contract.TransitionRecord;
import io.sagaflow.serde.Redaction;
import io.sagaflow.topology.DataCodec;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.avro.generic.IndexedRecord;

/**
 * The JSON body of {@code GET /sagas/{sagaId}}: a saga's stored state as people read it, with its
 * data decoded and every field tagged pii or secret masked by {@link Redaction}.
 */
final class SagaStatusView {
  /** Step statuses in which a step is still being worked on. */
  private static final Set<String> OPEN_STEP =
      Set.of("AWAITING_REPLY", "RETRY_SCHEDULED", "COMPENSATING", "COMPENSATION_RETRY_SCHEDULED");

  private final DataCodec codec;

  SagaStatusView(DataCodec codec) {
    this.codec = codec;
  }

  Map<String, Object> render(SagaStateRecord state, Freshness freshness) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("sagaId", state.getSagaId());
    out.put("sagaType", state.getSagaType());
    out.put("definitionVersion", state.getDefinitionVersion());
    out.put("status", state.getStatus());
    out.put(
        "currentSteps",
        state.getSteps().stream()
            .filter(s -> OPEN_STEP.contains(s.getStatus()))
            .map(StepStateRecord::getName)
            .toList());
    out.put("steps", state.getSteps().stream().map(SagaStatusView::step).toList());
    out.put("history", state.getHistory().stream().map(SagaStatusView::transition).toList());
    out.put("lastError", state.getLastError());
    out.put("traceparent", state.getTraceparent());
    out.put("data", data(state));
    out.put("createdAt", time(state.getCreatedAt()));
    out.put("updatedAt", time(state.getUpdatedAt()));
    out.put("freshness", freshness.render());
    return out;
  }

  private Object data(SagaStateRecord state) {
    Object decoded = codec.decodeAny(DataCodec.toArray(state.getData()));
    return decoded instanceof IndexedRecord record ? Redaction.redact(record) : Map.of();
  }

  private static Map<String, Object> step(StepStateRecord s) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("name", s.getName());
    out.put("status", s.getStatus());
    out.put("attempt", s.getAttempt());
    out.put("compensationAttempt", s.getCompensationAttempt());
    out.put("startedAt", time(s.getStartedAt()));
    out.put("finishedAt", time(s.getFinishedAt()));
    out.put("mayHaveApplied", s.getMayHaveApplied());
    if (s.getLastErrorCode() != null || s.getLastErrorMessage() != null) {
      Map<String, Object> error = new LinkedHashMap<>();
      error.put("code", s.getLastErrorCode());
      error.put("message", s.getLastErrorMessage());
      error.put("kind", s.getLastErrorKind());
      error.put("attempt", s.getLastErrorAttempt());
      error.put("at", time(s.getLastErrorAt()));
      out.put("lastError", error);
    } else {
      out.put("lastError", null);
    }
    return out;
  }

  private static Map<String, Object> transition(TransitionRecord t) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("at", time(t.getAt()));
    out.put("from", t.getFrom());
    out.put("to", t.getTo());
    out.put("cause", t.getCause());
    return out;
  }

  private static String time(Instant instant) {
    return instant == null ? null : instant.toString();
  }

  /**
   * Which replica answered and how far behind its changelog it may be.
   *
   * @param servedBy {@code active} or {@code standby}
   * @param servedByHost the instance that read its store, {@code host:port}, or {@code local}
   * @param lag changelog records the replica had not applied when asked; empty when unknown
   */
  record Freshness(String servedBy, String servedByHost, Optional<Long> lag) {
    Map<String, Object> render() {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("servedBy", servedBy);
      out.put("instance", servedByHost);
      out.put("lag", lag.orElse(null));
      return out;
    }
  }
}
