package io.sagaflow.chaos;

import io.sagaflow.contract.SagaEvent;
import io.sagaflow.contract.SagaEventType;
import io.sagaflow.engine.SagaStatus;
import io.sagaflow.serde.SagaEventFacts;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a preview's sagas did, per definition version, from their committed saga.events: pure, so
 * the rules the preview judges by are tested without a broker.
 */
final class PreviewSummary {
  private final Map<String, Started> started = new LinkedHashMap<>();
  private final Map<String, SagaStatus> last = new LinkedHashMap<>();
  private final Map<Integer, Integer> violations = new TreeMap<>();

  /**
   * A saga's start as its SAGA_STARTED event records it.
   *
   * @param version the definition version it runs on
   * @param role CANDIDATE or STABLE when a rollout placed it
   */
  record Started(int version, Optional<String> role) {}

  /**
   * Applies one committed saga.events record, fact by fact; records of one saga must come in the
   * order they were written.
   */
  void add(SagaEvent record) {
    SagaEventFacts.of(record).forEach(this::addFact);
  }

  private void addFact(SagaEvent event) {
    String id = event.getSagaId();
    if (event.getEventType() == SagaEventType.SAGA_STARTED) {
      started.putIfAbsent(
          id,
          new Started(event.getDefinitionVersion(), Optional.ofNullable(event.getRolloutRole())));
    }
    if (event.getEventType() == SagaEventType.INVARIANT_VIOLATED) {
      violations.merge(event.getDefinitionVersion(), 1, Integer::sum);
    }
    last.put(id, SagaStatus.valueOf(event.getStatus()));
  }

  /** How {@code sagaId} started, if a SAGA_STARTED event of it was read. */
  Optional<Started> start(String sagaId) {
    return Optional.ofNullable(started.get(sagaId));
  }

  /** Of {@code sagaIds}, those that started on another version than {@code version}, or never. */
  List<String> notOn(int version, Set<String> sagaIds) {
    List<String> off = new ArrayList<>();
    for (String id : sagaIds) {
      Started s = started.get(id);
      if (s == null || s.version() != version) {
        off.add(id + (s == null ? " (no SAGA_STARTED)" : " on v" + s.version()));
      }
    }
    return off;
  }

  /** Of {@code sagaIds}, how many started on {@code version}. */
  long on(int version, Set<String> sagaIds) {
    return sagaIds.stream()
        .map(started::get)
        .filter(s -> s != null && s.version() == version)
        .count();
  }

  /** One line per version: sagas started and how they ended, and the invariant violations. */
  List<String> lines() {
    Map<Integer, Map<SagaStatus, Integer>> byVersion = new TreeMap<>();
    started.forEach(
        (id, s) ->
            byVersion
                .computeIfAbsent(s.version(), v -> new EnumMap<>(SagaStatus.class))
                .merge(last.get(id), 1, Integer::sum));
    List<String> lines = new ArrayList<>();
    byVersion.forEach(
        (version, ends) ->
            lines.add(
                String.format(
                    Locale.ROOT,
                    "v%d: started %d | completed %d | compensated %d | failed %d | stuck %d |"
                        + " still running %d | invariant violations %d",
                    version,
                    ends.values().stream().mapToInt(Integer::intValue).sum(),
                    ends.getOrDefault(SagaStatus.COMPLETED, 0),
                    ends.getOrDefault(SagaStatus.COMPENSATED, 0),
                    ends.getOrDefault(SagaStatus.FAILED, 0),
                    ends.getOrDefault(SagaStatus.STUCK, 0),
                    ends.entrySet().stream()
                        .filter(e -> !e.getKey().isTerminal() && e.getKey() != SagaStatus.STUCK)
                        .mapToInt(Map.Entry::getValue)
                        .sum(),
                    violations.getOrDefault(version, 0))));
    return lines;
  }
}
