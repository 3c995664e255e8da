package io.sagaflow.app;

import io.sagaflow.app.TopicProvisioner.TopicSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The topics the runnable app creates at start when {@code saga.topics.create} is true. */
final class AppTopics {
  // Dead letters wait for an operator, who may be on holiday: keep them for 30 days.
  private static final String DLQ_RETENTION_MS = Long.toString(Duration.ofDays(30).toMillis());

  private AppTopics() {}

  static List<TopicSpec> all() {
    return List.of(
        new TopicSpec("saga.requests", Map.of()),
        new TopicSpec("saga.replies", Map.of()),
        new TopicSpec("saga.events", Map.of()),
        new TopicSpec("saga.dlq", Map.of("retention.ms", DLQ_RETENTION_MS)),
        new TopicSpec("inventory.commands", Map.of()),
        new TopicSpec("payment.commands", Map.of()),
        new TopicSpec("shipping.commands", Map.of()),
        new TopicSpec("notification.commands", Map.of()));
  }
}
