package io.sagaflow.topology;

import io.sagaflow.contract.Rollout;
import io.sagaflow.contract.RolloutFigures;
import io.sagaflow.contract.SagaEvent;
import io.sagaflow.contract.SagaEventType;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The sagas an ACTIVE rollout placed and has not seen end, and their steps in flight, in the
 * controller's {@code saga-rollout-tracking} store. Only sagas the rollout itself placed count, so
 * both versions are judged over exactly the same window. Entries live only while the rollout is
 * ACTIVE: {@link #clear} drops a type's entries when it ends.
 *
 * <p>Keys: {@code s<NUL>type<NUL>sagaId} to the saga's role ({@code CANDIDATE} or {@code STABLE},
 * with {@code +FAILED} once a STUCK has been counted as a failure), and {@code
 * t<NUL>type<NUL>sagaId<NUL>step<NUL>attempt} to the epoch millis its command was sent.
 */
final class RolloutTracking {
  private static final char SEP = '\u0000';
  private static final String CANDIDATE = "CANDIDATE";
  private static final String COUNTED = "+FAILED";

  private final KeyValueStore<String, String> store;

  RolloutTracking(KeyValueStore<String, String> store) {
    this.store = store;
  }

  /**
   * Applies one lifecycle fact (one of {@code SagaEventFacts.of} a record) to {@code rollout}'s
   * figures; the same rollout when the event is about a saga it did not place or tells it nothing.
   */
  Rollout observe(Rollout rollout, SagaEvent event) {
    String type = rollout.getSagaType();
    String sagaKey = "s" + SEP + type + SEP + event.getSagaId();
    if (event.getEventType() == SagaEventType.SAGA_STARTED) {
      if (!rollout.getRolloutId().equals(event.getRolloutId())) {
        return rollout;
      }
      String role = event.getRolloutRole();
      store.put(sagaKey, role);
      return with(rollout, role, f -> f.setStarted(f.getStarted() + 1));
    }
    if (event.getEventType() == SagaEventType.INVARIANT_VIOLATED) {
      // Counted by version, tracked or not: the engine reports a violation after the saga's last
      // transition, so it may follow the event that ended the saga, and a saga that pinned the
      // candidate version runs the same broken definition.
      if (event.getDefinitionVersion() == rollout.getCandidateVersion()) {
        return with(
            rollout, CANDIDATE, f -> f.setInvariantViolations(f.getInvariantViolations() + 1));
      }
      return with(rollout, "STABLE", f -> f.setInvariantViolations(f.getInvariantViolations() + 1));
    }
    String tracked = store.get(sagaKey);
    if (tracked == null) {
      return rollout;
    }
    String role = tracked.replace(COUNTED, "");
    boolean counted = tracked.endsWith(COUNTED);
    return switch (event.getEventType()) {
      case SAGA_COMPLETED -> {
        store.delete(sagaKey);
        yield counted ? rollout : with(rollout, role, f -> f.setCompleted(f.getCompleted() + 1));
      }
      case SAGA_COMPENSATED, SAGA_FAILED -> {
        store.delete(sagaKey);
        yield counted ? rollout : with(rollout, role, f -> f.setFailed(f.getFailed() + 1));
      }
      case SAGA_STUCK -> {
        if (counted) {
          yield rollout;
        }
        store.put(sagaKey, role + COUNTED);
        yield with(rollout, role, f -> f.setFailed(f.getFailed() + 1));
      }
      case STEP_STARTED -> {
        store.put(stepKey(type, event), Long.toString(event.getAt().toEpochMilli()));
        yield rollout;
      }
      case STEP_SUCCEEDED, STEP_FAILED, STEP_RETRY_SCHEDULED -> stepFinished(rollout, role, event);
      default -> rollout;
    };
  }

  private Rollout stepFinished(Rollout rollout, String role, SagaEvent event) {
    String key = stepKey(rollout.getSagaType(), event);
    String sentAt = store.get(key);
    if (sentAt == null) {
      return rollout;
    }
    store.delete(key);
    long latency = event.getAt().toEpochMilli() - Long.parseLong(sentAt);
    Long budget = rollout.getStepLatencyBudgetMs();
    boolean slow = budget != null && latency > budget;
    return with(
        rollout,
        role,
        f -> {
          f.setSteps(f.getSteps() + 1);
          if (slow) {
            f.setSlowSteps(f.getSlowSteps() + 1);
          }
        });
  }

  /** The candidate sagas of {@code sagaType}'s rollout still running, in key order. */
  List<String> runningCandidates(String sagaType) {
    String prefix = "s" + SEP + sagaType + SEP;
    List<String> sagaIds = new ArrayList<>();
    try (KeyValueIterator<String, String> it = store.prefixScan(prefix, new StringSerializer())) {
      while (it.hasNext()) {
        KeyValue<String, String> entry = it.next();
        if (entry.value.startsWith(CANDIDATE) && !entry.value.endsWith(COUNTED)) {
          sagaIds.add(entry.key.substring(prefix.length()));
        }
      }
    }
    return sagaIds;
  }

  /** Forgets every saga and step tracked for {@code sagaType}. */
  void clear(String sagaType) {
    for (String kind : List.of("s", "t")) {
      List<String> keys = new ArrayList<>();
      try (KeyValueIterator<String, String> it =
          store.prefixScan(kind + SEP + sagaType + SEP, new StringSerializer())) {
        it.forEachRemaining(e -> keys.add(e.key));
      }
      keys.forEach(store::delete);
    }
  }

  private static String stepKey(String type, SagaEvent event) {
    return "t"
        + SEP
        + type
        + SEP
        + event.getSagaId()
        + SEP
        + Optional.ofNullable(event.getStep()).orElse("")
        + SEP
        + Optional.ofNullable(event.getAttempt()).orElse(0);
  }

  private static Rollout with(
      Rollout rollout, String role, java.util.function.Consumer<RolloutFigures> change) {
    boolean candidate = role.startsWith(CANDIDATE);
    RolloutFigures figures =
        RolloutFigures.newBuilder(candidate ? rollout.getCandidate() : rollout.getStable()).build();
    change.accept(figures);
    Rollout.Builder next = Rollout.newBuilder(rollout);
    return (candidate ? next.setCandidate(figures) : next.setStable(figures)).build();
  }
}
