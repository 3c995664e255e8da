package io.sagaflow.topology;

import io.sagaflow.contract.SagaStateRecord;
import io.sagaflow.engine.Decision;
import io.sagaflow.engine.EventType;
import io.sagaflow.engine.Outbound;
import io.sagaflow.engine.RolloutInForce;
import io.sagaflow.engine.SagaState;
import io.sagaflow.engine.TimerChange;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out a decision of the engine: stores the saga's next state and its {@code saga-index}
 * entry, schedules and cancels its timers, forwards its commands and lifecycle events, and has
 * {@link DecisionMeters} record what they mean for the metrics. Kafka Streams commits all of it
 * with the input's offset in one transaction.
 *
 * <p>Everything that can fail (encoding the state, mapping the outbound values) happens before the
 * first write: a decision that cannot be carried out must leave no saga state behind that waits for
 * a command which was never sent.
 *
 * <p>It never deletes a saga's state; whatever deletes one in future must remove its index entry
 * through {@link SagaIndex#changes} with an absent after-entry.
 */
final class DecisionWriter {
  private static final Logger LOG = LoggerFactory.getLogger(DecisionWriter.class);
  private static final byte[] TIMER_MARK = new byte[0];

  private final ProcessorContext<String, Object> context;
  private final CoordinatorWiring wiring;
  private final StateCodec states;
  private final OutboundMapper outbound;
  private final KeyValueStore<String, SagaStateRecord> stateStore;
  private final KeyValueStore<Bytes, byte[]> timerStore;
  private final KeyValueStore<Bytes, byte[]> indexStore;
  private final DecisionMeters meters;
  private final RolloutsInForce rollouts;
  private final String task;

  DecisionWriter(
      ProcessorContext<String, Object> context, CoordinatorWiring wiring, StateCodec states) {
    this.context = context;
    this.rollouts = RolloutsInForce.of(context);
    this.wiring = wiring;
    this.states = states;
    this.outbound = new OutboundMapper(wiring.replyTopic());
    this.stateStore = context.getStateStore(wiring.stateStore());
    this.timerStore = context.getStateStore(wiring.timerStore());
    this.indexStore = context.getStateStore(wiring.indexStore());
    this.meters = new DecisionMeters(wiring.counters());
    this.task = context.taskId().toString();
  }

  /** Writes {@code decision} about the saga stored as {@code stored} (empty before its start). */
  void write(Optional<SagaStateRecord> stored, Decision<?> decision, Instant now) {
    Optional<SagaStateRecord> next = decision.nextState().map(states::toRecord);
    Optional<SagaIndex.Entry> before = stored.map(SagaIndex::entryOf);
    Optional<SagaIndex.Entry> after = next.map(SagaIndex::entryOf);
    // An absent next state means "unchanged", never "deleted": the index moves only with a write.
    List<KeyValue<Bytes, byte[]>> indexChanges =
        after.isPresent() ? SagaIndex.changes(before, after) : List.of();
    List<Forward> forwards = forwards(stored, decision, now);

    next.ifPresent(r -> stateStore.put(r.getSagaId(), r));
    for (KeyValue<Bytes, byte[]> change : indexChanges) {
      if (change.value == null) {
        indexStore.delete(change.key);
      } else {
        indexStore.put(change.key, change.value);
      }
    }
    for (TimerChange change : decision.timerChanges()) {
      Bytes key = TimerKeys.of(change.timer());
      if (change instanceof TimerChange.Schedule) {
        timerStore.put(key, TIMER_MARK);
      } else {
        timerStore.delete(key);
      }
    }
    forwards.forEach(f -> context.forward(f.record(), f.sink()));
    if (!indexChanges.isEmpty()) {
      wiring.counters().gauges().moved(task, before, after);
    }
    meters.record(decision);
    decision
        .violations()
        .forEach(v -> LOG.warn("Invariant {} violated: {}", v.name(), v.message()));
  }

  /**
   * The decision's records in the engine's order, its lifecycle events folded into one {@code
   * saga.events} record at the place of the first: one record per decision instead of one per fact.
   */
  private List<Forward> forwards(
      Optional<SagaStateRecord> stored, Decision<?> decision, Instant now) {
    Optional<String> sagaTraceparent = decision.nextState().flatMap(SagaState::traceparent);
    String traceparent = DecisionTracer.outboundTraceparent(sagaTraceparent).orElse("");
    List<Forward> forwards = new ArrayList<>();
    List<Outbound.LifecycleEvent> events = new ArrayList<>();
    int eventsAt = -1;
    for (Outbound out : decision.outbound()) {
      if (out instanceof Outbound.Command command) {
        Optional<String> commandTrace = DecisionTracer.outboundTraceparent(command.traceparent());
        forwards.add(
            new Forward(
                outbound.command(command, now, commandTrace), wiring.commandSink(command.topic())));
      } else {
        if (events.isEmpty()) {
          eventsAt = forwards.size();
        }
        events.add((Outbound.LifecycleEvent) out);
      }
    }
    if (!events.isEmpty()) {
      Record<String, Object> record = outbound.events(events, traceparent);
      forwards.add(eventsAt, new Forward(record, wiring.eventSink()));
      if (observed(placed(stored, decision), events)) {
        // Keyed by saga type, so one controller task sees every saga of the type.
        forwards.add(
            eventsAt + 1,
            new Forward(record.withKey(events.get(0).type()), wiring.observationSink()));
      }
    }
    return forwards;
  }

  /**
   * Whether the rollout controller wants the decision's events: what it counts is the sagas a
   * rollout placed, and invariant violations of either version, while the type's rollout is ACTIVE.
   * Any other event it would drop, so the global store is not even read for it.
   */
  private boolean observed(boolean placed, List<Outbound.LifecycleEvent> events) {
    boolean wanted = placed;
    for (Outbound.LifecycleEvent event : events) {
      wanted |= event.eventType() == EventType.INVARIANT_VIOLATED;
    }
    if (!wanted) {
      return false;
    }
    Outbound.LifecycleEvent first = events.get(0);
    return rollouts
        .of(first.type())
        .filter(r -> r.phase() == RolloutInForce.RolloutPhase.ACTIVE)
        .filter(
            r -> first.version() == r.stableVersion() || first.version() == r.candidateVersion())
        .isPresent();
  }

  /** Whether a rollout placed the saga: its placement is in its state from its start on. */
  private static boolean placed(Optional<SagaStateRecord> stored, Decision<?> decision) {
    return decision
        .nextState()
        .map(state -> state.rollout().isPresent())
        .orElseGet(() -> stored.map(r -> r.getRolloutId() != null).orElse(false));
  }

  /** An outbound record and the sink it goes to. */
  private record Forward(Record<String, Object> record, String sink) {}
}
