package io.sagaflow.topology;

import io.sagaflow.contract.Rollout;
import io.sagaflow.contract.SagaEvent;
import io.sagaflow.engine.RolloutInForce.RolloutPhase;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Re-keys the lifecycle events of saga types under an ACTIVE rollout by saga type, so that one
 * controller task sees every saga of the type; events of every other type are dropped here, so a
 * deployment without a rollout writes nothing more. The record's bytes and headers pass unchanged.
 *
 * <p>While no rollout of any type is ACTIVE, events are dropped without being decoded: the observer
 * then costs no registry lookup or Avro decoding per event, and an event it cannot read (written
 * against another registry, say) does not stop the task for a rollout that is not there.
 */
final class RolloutObserver implements Processor<String, byte[], String, byte[]> {
  private final Deserializer<SagaEvent> events;
  private ProcessorContext<String, byte[]> context;
  private ReadOnlyKeyValueStore<String, Rollout> rollouts;

  RolloutObserver(Deserializer<SagaEvent> events) {
    this.events = events;
  }

  @Override
  public void init(ProcessorContext<String, byte[]> context) {
    this.context = context;
    this.rollouts = context.getStateStore(RolloutTopology.ROLLOUTS_STORE);
  }

  @Override
  public void process(Record<String, byte[]> record) {
    if (record.value() == null || !anyActive()) {
      return;
    }
    SagaEvent event =
        events.deserialize(context.recordMetadata().orElseThrow().topic(), record.value());
    Rollout rollout = rollouts.get(event.getSagaType());
    if (rollout == null || !RolloutPhase.ACTIVE.name().equals(rollout.getPhase())) {
      return;
    }
    int version = event.getDefinitionVersion();
    if (version == rollout.getStableVersion() || version == rollout.getCandidateVersion()) {
      context.forward(record.withKey(event.getSagaType()));
    }
  }

  /** Whether any saga type has an ACTIVE rollout: the global store holds one record per type. */
  private boolean anyActive() {
    try (KeyValueIterator<String, Rollout> all = rollouts.all()) {
      while (all.hasNext()) {
        if (RolloutPhase.ACTIVE.name().equals(all.next().value.getPhase())) {
          return true;
        }
      }
    }
    return false;
  }
}
