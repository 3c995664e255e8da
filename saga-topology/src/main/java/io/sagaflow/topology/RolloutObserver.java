package io.sagaflow.topology;

import io.sagaflow.contract.Rollout;
import io.sagaflow.contract.SagaEvent;
import io.sagaflow.engine.RolloutInForce.RolloutPhase;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Re-keys the lifecycle events of saga types under an ACTIVE rollout by saga type, so that one
 * controller task sees every saga of the type; events of every other type are dropped here, so a
 * deployment without a rollout writes nothing more. The record's bytes and headers pass unchanged.
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
    if (record.value() == null) {
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
}
