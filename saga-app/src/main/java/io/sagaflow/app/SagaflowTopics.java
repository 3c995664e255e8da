package io.sagaflow.app;

import io.sagaflow.app.TopicProvisioner.TopicSpec;
import io.sagaflow.engine.SagaRegistry;
import io.sagaflow.participant.Participant;
import io.sagaflow.topology.RolloutTopics;
import io.sagaflow.topology.SagaTopics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The topics the app creates at start when {@code saga.topics.create} is true: the core saga
 * topics, every command topic of the registered sagas and, beside each, its participants'
 * dead-letter topic.
 */
final class SagaflowTopics {
  // Dead letters wait for an operator, who may be on holiday: keep them for 30 days.
  private static final String DLQ_RETENTION_MS = Long.toString(Duration.ofDays(30).toMillis());

  private SagaflowTopics() {}

  static List<TopicSpec> all(SagaRegistry sagas) {
    List<TopicSpec> specs = new ArrayList<>();
    for (String topic : SagaTopics.CORE) {
      specs.add(new TopicSpec(topic, configs(topic)));
    }
    for (String topic : SagaTopics.commandTopics(sagas)) {
      specs.add(new TopicSpec(topic, Map.of()));
      // Where participants written with the kit set aside commands they cannot read.
      specs.add(
          new TopicSpec(
              Participant.defaultDeadLetterTopic(topic), Map.of("retention.ms", DLQ_RETENTION_MS)));
    }
    return specs;
  }

  private static Map<String, String> configs(String topic) {
    if (topic.equals(SagaTopics.DLQ)) {
      return Map.of("retention.ms", DLQ_RETENTION_MS);
    }
    if (topic.equals(RolloutTopics.ROLLOUTS)) {
      // The latest record per saga type is the rollout's state: keep it forever, nothing older.
      return Map.of("cleanup.policy", "compact");
    }
    if (topic.equals(RolloutTopics.EVENTS)) {
      // A rollback's hook record must outlive a weekend without anyone reading it.
      return Map.of("retention.ms", DLQ_RETENTION_MS);
    }
    return Map.of();
  }
}
