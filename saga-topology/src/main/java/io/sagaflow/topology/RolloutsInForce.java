package io.sagaflow.topology;

import io.sagaflow.contract.Rollout;
import io.sagaflow.engine.RolloutInForce;
import java.util.Optional;
import org.apache.kafka.streams.processor.api.ProcessingContext;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The rollout of a saga type as this instance last read it from {@link RolloutTopics#ROLLOUTS},
 * through the global store every task shares. What the coordinator hands the engine at a start.
 */
final class RolloutsInForce {
  private final ReadOnlyKeyValueStore<String, Rollout> store;

  private RolloutsInForce(ReadOnlyKeyValueStore<String, Rollout> store) {
    this.store = store;
  }

  static RolloutsInForce of(ProcessingContext context) {
    return new RolloutsInForce(context.getStateStore(RolloutTopology.ROLLOUTS_STORE));
  }

  /** The rollout of {@code sagaType}, if one was ever started. */
  Optional<RolloutInForce> of(String sagaType) {
    return Optional.ofNullable(store.get(sagaType)).flatMap(RolloutsInForce::inForce);
  }

  /**
   * The engine's view of {@code rollout}; empty when its phase is one this version does not know.
   */
  static Optional<RolloutInForce> inForce(Rollout rollout) {
    RolloutInForce.RolloutPhase phase;
    try {
      phase = RolloutInForce.RolloutPhase.valueOf(rollout.getPhase());
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    return Optional.of(
        new RolloutInForce(
            rollout.getRolloutId(),
            rollout.getGeneration(),
            phase,
            rollout.getStableVersion(),
            rollout.getCandidateVersion(),
            rollout.getWeight()));
  }
}
