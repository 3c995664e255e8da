package io.sagaflow.chaos;

import io.sagaflow.contract.RolloutEvent;
import io.sagaflow.serde.AvroDeserializer;
import io.sagaflow.serde.SchemaRegistry;
import io.sagaflow.topology.RolloutTopics;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads the rollout hook topic, saga.rollout.events, read_committed and from its beginning, the way
 * an operator's tooling consumes it (docs/rollout.md).
 */
final class RolloutHook {
  private static final Duration POLL = Duration.ofMillis(200);

  private final String bootstrapServers;
  private final AvroDeserializer<RolloutEvent> events;

  RolloutHook(String bootstrapServers, SchemaRegistry schemas) {
    this.bootstrapServers = bootstrapServers;
    this.events = RolloutTopics.EVENT_RECORDS.deserializer(schemas);
  }

  /**
   * The first committed event of {@code eventType} about {@code sagaType}, waiting up to {@code
   * bound} for it; empty when none came.
   */
  Optional<RolloutEvent> await(String sagaType, String eventType, Duration bound) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(
        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
        IsolationLevel.READ_COMMITTED.name().toLowerCase(Locale.ROOT));
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(RolloutTopics.EVENTS, bound).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      if (partitions.isEmpty()) {
        return Optional.empty();
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.nanoTime() + bound.toNanos();
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
          if (sagaType.equals(record.key()) && record.value() != null) {
            RolloutEvent event = events.deserialize(record.topic(), record.value());
            if (eventType.equals(event.getEventType())) {
              return Optional.of(event);
            }
          }
        }
      }
      return Optional.empty();
    }
  }
}
