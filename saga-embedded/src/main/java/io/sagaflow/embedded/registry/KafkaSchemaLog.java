package io.sagaflow.embedded.registry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Keeps the registry's facts in a single-partition compacted topic, as Confluent's registry does
 * with {@code _schemas}: one partition gives one order, compaction keeps the topic small, and
 * replaying it at start-up gives back the same ids after a restart.
 */
public final class KafkaSchemaLog implements SchemaLog {

  /** Default storage topic. */
  public static final String DEFAULT_TOPIC = "_sagaflow_schemas";

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final String bootstrapServers;
  private final String topic;
  private final KafkaProducer<byte[], byte[]> producer;

  /** Creates the topic if needed; fails fast when the broker cannot be reached. */
  public KafkaSchemaLog(String bootstrapServers, String topic) {
    this.bootstrapServers = bootstrapServers;
    this.topic = topic;
    createTopicIfAbsent();
    this.producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true,
                ProducerConfig.LINGER_MS_CONFIG,
                0,
                ProducerConfig.CLIENT_ID_CONFIG,
                "sagaflow-schema-registry"),
            new ByteArraySerializer(),
            new ByteArraySerializer());
  }

  @Override
  public List<LogEntry> replay() {
    TopicPartition partition = new TopicPartition(topic, 0);
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.CLIENT_ID_CONFIG,
                "sagaflow-schema-registry-replay"),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      long end = consumer.endOffsets(List.of(partition), TIMEOUT).get(partition);
      List<LogEntry> entries = new ArrayList<>();
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (consumer.position(partition, TIMEOUT) < end) {
        if (System.nanoTime() > deadline) {
          throw storeError(
              "Timed out replaying topic "
                  + topic
                  + " (at offset "
                  + consumer.position(partition)
                  + " of "
                  + end
                  + ")",
              null);
        }
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          if (record.value() != null) {
            entries.add(LogEntryCodec.decode(record.value()));
          }
        }
      }
      return entries;
    }
  }

  @Override
  public void append(LogEntry entry) {
    try {
      producer
          .send(
              new ProducerRecord<>(topic, 0, LogEntryCodec.key(entry), LogEntryCodec.value(entry)))
          .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw storeError("Interrupted while writing to " + topic, e);
    } catch (ExecutionException | TimeoutException e) {
      throw storeError("Could not write to topic " + topic + " at " + bootstrapServers, e);
    }
  }

  @Override
  public String describe() {
    return "Kafka topic " + topic + " at " + bootstrapServers;
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }

  private void createTopicIfAbsent() {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
      NewTopic newTopic =
          new NewTopic(topic, Optional.of(1), Optional.empty())
              .configs(
                  Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
      admin.createTopics(Set.of(newTopic)).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw storeError("Could not create topic " + topic + " at " + bootstrapServers, e);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw storeError("Interrupted while creating " + topic, e);
    } catch (TimeoutException e) {
      throw storeError(
          "Kafka at "
              + bootstrapServers
              + " did not answer within "
              + TIMEOUT
              + ": is the broker running (scripts/run or KAFKA_BOOTSTRAP_SERVERS)?",
          e);
    }
  }

  private static RegistryException storeError(String message, Throwable cause) {
    return new RegistryException(500, RegistryException.STORE_ERROR, message, cause);
  }
}
