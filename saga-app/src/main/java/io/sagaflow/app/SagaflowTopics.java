package io.sagaflow.app;

import io.sagaflow.api.RedriveClients;
import io.sagaflow.app.TopicProvisioner.TopicSpec;
import io.sagaflow.engine.SagaRegistry;
import io.sagaflow.participant.Participant;
import io.sagaflow.topology.RolloutTopics;
import io.sagaflow.topology.SagaTopics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The topics the app creates at start when {@code saga.topics.create} is true: the core saga
 * topics, every command topic of the registered sagas and, beside each, its participants'
 * dead-letter topic.
 */
final class SagaflowTopics {
  private SagaflowTopics() {}

  /**
   * @param dlqRetention how long dead-letter topics keep a record ({@code saga.dlq.retention.days})
   */
  static List<TopicSpec> all(SagaRegistry sagas, Duration dlqRetention) {
    String retentionMs = Long.toString(dlqRetention.toMillis());
    List<TopicSpec> specs = new ArrayList<>();
    for (String topic : SagaTopics.CORE) {
      specs.add(new TopicSpec(topic, configs(topic, retentionMs)));
    }
    // One partition: the record of redrives is small, and one partition keeps it in write order.
    specs.add(
        new TopicSpec(
            RedriveClients.LOG_TOPIC,
            Map.of("cleanup.policy", "compact"),
            OptionalInt.of(1),
            OptionalInt.empty()));
    for (String topic : SagaTopics.commandTopics(sagas)) {
      specs.add(new TopicSpec(topic, Map.of()));
      // Where participants written with the kit set aside commands they cannot read.
      specs.add(
          new TopicSpec(
              Participant.defaultDeadLetterTopic(topic), Map.of("retention.ms", retentionMs)));
    }
    return specs;
  }

  private static Map<String, String> configs(String topic, String retentionMs) {
    if (topic.equals(SagaTopics.DLQ)) {
      return Map.of("retention.ms", retentionMs);
    }
    if (topic.equals(RolloutTopics.ROLLOUTS)) {
      // The latest record per saga type is the rollout's state: keep it forever, nothing older.
      return Map.of("cleanup.policy", "compact");
    }
    if (topic.equals(RolloutTopics.EVENTS)) {
      // A rollback's hook record must outlive a weekend without anyone reading it.
      return Map.of("retention.ms", retentionMs);
    }
    return Map.of();
  }
}
