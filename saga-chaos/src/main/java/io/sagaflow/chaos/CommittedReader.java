package io.sagaflow.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads whole topics as a {@code read_committed} consumer sees them: from the beginning to each
 * partition's last stable offset as it stood when reading began. Records of aborted transactions
 * are never handed over, which is exactly the view downstream consumers of the saga topics get.
 */
final class CommittedReader {
  private static final Duration POLL = Duration.ofMillis(200);

  private final String bootstrapServers;
  private final Duration bound;

  /**
   * A reader of the cluster at {@code bootstrapServers} that gives up on a topic after {@code
   * bound}.
   */
  CommittedReader(String bootstrapServers, Duration bound) {
    this.bootstrapServers = bootstrapServers;
    this.bound = bound;
  }

  /**
   * Hands every committed record of {@code topic} to {@code sink}, partition by partition in offset
   * order per partition.
   *
   * @return how many records were read; -1 when the topic does not exist
   * @throws IllegalStateException when the end is not reached within the bound
   */
  long read(String topic, Consumer<ConsumerRecord<byte[], byte[]>> sink) {
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            properties(), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      consumer
          .partitionsFor(topic, bound)
          .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
      if (partitions.isEmpty()) {
        return -1;
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      // For a read_committed consumer the end offset is the last stable offset: everything before
      // it is decided, committed or aborted.
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, bound);
      long deadline = System.nanoTime() + bound.toNanos();
      long count = 0;
      while (!reachedEnd(consumer, partitions, end)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              String.format(
                  Locale.ROOT,
                  "Could not read %s to its end within %d s: %s",
                  topic,
                  bound.toSeconds(),
                  lagging(consumer, partitions, end)));
        }
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
          sink.accept(record);
          count++;
        }
      }
      return count;
    }
  }

  private static boolean reachedEnd(
      KafkaConsumer<byte[], byte[]> consumer,
      Collection<TopicPartition> partitions,
      Map<TopicPartition, Long> end) {
    return partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p));
  }

  private static List<String> lagging(
      KafkaConsumer<byte[], byte[]> consumer,
      Collection<TopicPartition> partitions,
      Map<TopicPartition, Long> end) {
    return partitions.stream()
        .filter(p -> consumer.position(p) < end.get(p))
        .map(p -> p + " at " + consumer.position(p) + " of " + end.get(p))
        .toList();
  }

  private Properties properties() {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(
        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
        IsolationLevel.READ_COMMITTED.name().toLowerCase(Locale.ROOT));
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
    return props;
  }
}
