package io.sagaflow.topology;

import io.sagaflow.contract.CancelSaga;
import io.sagaflow.contract.Rollout;
import io.sagaflow.contract.RolloutEvent;
import io.sagaflow.contract.RolloutRequest;
import io.sagaflow.contract.SagaEvent;
import io.sagaflow.engine.RolloutInForce.RolloutPhase;
import io.sagaflow.engine.SagaRegistry;
import io.sagaflow.serde.SagaEventFacts;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one writer of rollout state. It applies operators' requests and the lifecycle events of the
 * sagas a rollout placed, both keyed by saga type, to the {@code saga-rollout-control} store, and
 * publishes every change of phase to {@code saga.rollouts} and the hook topic in the same
 * exactly-once transaction. The store decides: a rollout that is no longer ACTIVE ignores every
 * further observation, so a guard fires once however often its input is delivered.
 *
 * <p>Figures change with nearly every observation; they are published to {@code saga.rollouts} by a
 * wall-clock punctuation at most once per {@link #PUBLISH_INTERVAL}, not per event, since every
 * instance reads that topic.
 */
final class RolloutController implements Processor<String, Object, String, Object> {
  static final Duration PUBLISH_INTERVAL = Duration.ofSeconds(1);
  private static final Logger LOG = LoggerFactory.getLogger(RolloutController.class);

  private final RolloutRules rules;
  private final Set<String> unpublished = new HashSet<>();
  private ProcessorContext<String, Object> context;
  private KeyValueStore<String, Rollout> control;
  private RolloutTracking tracking;

  RolloutController(SagaRegistry registry) {
    this.rules = new RolloutRules(registry);
  }

  @Override
  public void init(ProcessorContext<String, Object> context) {
    this.context = context;
    this.control = context.getStateStore(RolloutTopology.CONTROL_STORE);
    this.tracking = new RolloutTracking(context.getStateStore(RolloutTopology.TRACKING_STORE));
    context.schedule(PUBLISH_INTERVAL, PunctuationType.WALL_CLOCK_TIME, this::punctuate);
  }

  @Override
  public void process(Record<String, Object> record) {
    Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
    if (record.value() instanceof RolloutRequest request) {
      request(request, now);
    } else if (record.value() instanceof SagaEvent event) {
      for (SagaEvent fact : SagaEventFacts.of(event)) {
        observe(fact, now);
      }
    }
  }

  private void request(RolloutRequest request, Instant now) {
    Optional<Rollout> current = Optional.ofNullable(control.get(request.getSagaType()));
    RolloutRules.Outcome outcome = rules.apply(current, request, now);
    if (outcome instanceof RolloutRules.Outcome.Rejected rejected) {
      LOG.info(
          "Rollout request {} for '{}' rejected: {}",
          request.getRequestId(),
          request.getSagaType(),
          rejected.reason());
      emit(RolloutEvents.rejected(request, rejected.reason(), now), now);
      return;
    }
    Rollout next = ((RolloutRules.Outcome.Changed) outcome).rollout();
    Optional<String> requestId = Optional.of(request.getRequestId());
    switch (RolloutPhase.valueOf(next.getPhase())) {
      case ACTIVE -> {
        tracking.clear(next.getSagaType());
        changed(next, RolloutEvents.STARTED, requestId, Optional.empty(), 0, started(next), now);
      }
      case PROMOTED -> promoted(next, requestId, now);
      case ROLLED_BACK -> rolledBack(next, requestId, Optional.empty(), now);
    }
  }

  private void observe(SagaEvent event, Instant now) {
    Rollout rollout = control.get(event.getSagaType());
    if (rollout == null || !RolloutPhase.ACTIVE.name().equals(rollout.getPhase())) {
      return;
    }
    Rollout next = tracking.observe(rollout, event);
    if (next.equals(rollout)) {
      return;
    }
    next = Rollout.newBuilder(next).setUpdatedAt(now).build();
    Optional<RolloutGuards.Failure> failure = RolloutGuards.firstFailure(next);
    if (failure.isPresent()) {
      rolledBack(
          RolloutRules.end(
              next, RolloutPhase.ROLLED_BACK, failure.get().guard(), failure.get().sentence(), now),
          Optional.empty(),
          failure,
          now);
      return;
    }
    control.put(next.getSagaType(), next);
    unpublished.add(next.getSagaType());
  }

  private void punctuate(long nowMs) {
    Instant now = Instant.ofEpochMilli(nowMs);
    List<Rollout> promotable = new ArrayList<>();
    try (KeyValueIterator<String, Rollout> all = control.all()) {
      while (all.hasNext()) {
        KeyValue<String, Rollout> entry = all.next();
        Rollout rollout = entry.value;
        if (RolloutPhase.ACTIVE.name().equals(rollout.getPhase())
            && RolloutGuards.promotable(rollout, nowMs)) {
          promotable.add(rollout);
        }
      }
    }
    for (Rollout rollout : promotable) {
      String why =
          "promoted automatically after "
              + Duration.ofMillis(rollout.getAutoPromoteAfterMs())
              + " with every guard holding ("
              + RolloutGuards.ended(rollout.getCandidate())
              + " candidate and "
              + RolloutGuards.ended(rollout.getStable())
              + " stable sagas ended); new sagas get v"
              + rollout.getCandidateVersion();
      promoted(
          RolloutRules.end(rollout, RolloutPhase.PROMOTED, RolloutGuards.AUTO_PROMOTION, why, now),
          Optional.empty(),
          now);
    }
    for (String type : List.copyOf(unpublished)) {
      Rollout rollout = control.get(type);
      if (rollout != null) {
        context.forward(new Record<>(type, (Object) rollout, nowMs), RolloutTopology.SINK_ROLLOUTS);
      }
    }
    unpublished.clear();
  }

  private void promoted(Rollout rollout, Optional<String> requestId, Instant now) {
    tracking.clear(rollout.getSagaType());
    LOG.info(
        "Rollout {} of '{}' {}",
        rollout.getRolloutId(),
        rollout.getSagaType(),
        rollout.getEndReason());
    changed(
        rollout,
        RolloutEvents.PROMOTED,
        requestId,
        Optional.empty(),
        0,
        rollout.getEndReason(),
        now);
  }

  private void rolledBack(
      Rollout rollout,
      Optional<String> requestId,
      Optional<RolloutGuards.Failure> failure,
      Instant now) {
    String type = rollout.getSagaType();
    List<String> cancelled =
        RolloutRules.COMPENSATE.equals(rollout.getOnRollback())
            ? tracking.runningCandidates(type)
            : List.of();
    tracking.clear(type);
    String reason =
        "Rollout "
            + rollout.getRolloutId()
            + " of '"
            + type
            + "' rolled back: "
            + rollout.getEndReason()
            + (failure.isPresent() ? "; new sagas get v" + rollout.getStableVersion() : "")
            + (cancelled.isEmpty()
                ? ""
                : "; " + cancelled.size() + " running candidate saga(s) sent a cancel");
    // A guard firing is what operators must hear about; an operator's own rollback is routine.
    if (failure.isPresent()) {
      LOG.warn(reason);
    } else {
      LOG.info(reason);
    }
    for (String sagaId : cancelled) {
      context.forward(
          new Record<>(
              sagaId,
              (Object)
                  CancelSaga.newBuilder()
                      .setReason(
                          "rollout "
                              + rollout.getRolloutId()
                              + " of candidate v"
                              + rollout.getCandidateVersion()
                              + " rolled back ("
                              + rollout.getGuard()
                              + ")")
                      .build(),
              now.toEpochMilli()),
          RolloutTopology.SINK_CANCELS);
    }
    changed(rollout, RolloutEvents.ROLLED_BACK, requestId, failure, cancelled.size(), reason, now);
  }

  private void changed(
      Rollout rollout,
      String eventType,
      Optional<String> requestId,
      Optional<RolloutGuards.Failure> failure,
      int cancelled,
      String reason,
      Instant now) {
    String type = rollout.getSagaType();
    control.put(type, rollout);
    unpublished.remove(type);
    context.forward(
        new Record<>(type, (Object) rollout, now.toEpochMilli()), RolloutTopology.SINK_ROLLOUTS);
    emit(
        RolloutEvents.changed(eventType, rollout, requestId, failure, cancelled, reason, now), now);
  }

  private void emit(RolloutEvent event, Instant now) {
    context.forward(
        new Record<>(event.getSagaType(), (Object) event, now.toEpochMilli()),
        RolloutTopology.SINK_EVENTS);
  }

  private static String started(Rollout rollout) {
    return "Rollout "
        + rollout.getRolloutId()
        + " of '"
        + rollout.getSagaType()
        + "' started by "
        + rollout.getRequestedBy()
        + ": "
        + rollout.getWeight() / 100.0
        + "% of new sagas on candidate v"
        + rollout.getCandidateVersion()
        + ", the rest on stable v"
        + rollout.getStableVersion();
  }
}
