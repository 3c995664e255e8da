package io.sagaflow.topology;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * The partition that owns a saga id: the one Kafka's default partitioner picks for the id's UTF-8
 * bytes, which is where Kafka Streams keeps the saga's state and where {@code
 * KafkaStreams.queryMetadataForKey} looks for it. A producer with another partitioner (librdkafka's
 * CRC32 default) may put a saga's input elsewhere; {@link PartitionMover} brings it back.
 */
final class OwningPartition {
  private OwningPartition() {}

  /** The partition of a topic with {@code partitions} partitions that owns {@code sagaId}. */
  static int of(String sagaId, int partitions) {
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be positive, was " + partitions);
    }
    return Utils.toPositive(Utils.murmur2(sagaId.getBytes(StandardCharsets.UTF_8))) % partitions;
  }

  /**
   * Sends each record to the partition that owns its key, computed from the topic's partition count
   * at the time of sending; explicit, so a {@code partitioner.class} set for the processor's
   * producer cannot send a moved input anywhere else.
   */
  static <V> StreamPartitioner<String, V> partitioner() {
    return new ToOwner<>();
  }

  private static final class ToOwner<V> implements StreamPartitioner<String, V> {
    @Override
    public Optional<Set<Integer>> partitions(
        String topic, String key, V value, Headers headers, int partitions) {
      return key == null ? Optional.empty() : Optional.of(Set.of(of(key, partitions)));
    }

    // Kafka Streams 4.4 calls the variant with headers; this one is still abstract until removed.
    @Override
    @Deprecated
    @SuppressWarnings({"removal", "InlineMeSuggester"})
    public Optional<Set<Integer>> partitions(String topic, String key, V value, int partitions) {
      return partitions(topic, key, value, null, partitions);
    }
  }
}
