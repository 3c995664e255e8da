package io.sagaflow.app;

import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.CRC32;
import org.apache.kafka.clients.producer.Partitioner;
import org.apache.kafka.common.Cluster;

/**
 * The default partitioner of librdkafka ({@code consistent_random}), which kcat and the Python, Go
 * and .NET clients use unless told otherwise: CRC-32 of the key bytes modulo the partition count, a
 * random partition for a record without a key. Kafka's Java clients and Kafka Streams use murmur2
 * instead, so most keys land elsewhere.
 */
public final class Crc32Partitioner implements Partitioner {

  /** The partition librdkafka's default partitioner picks for {@code key}. */
  static int partitionOf(byte[] key, int partitions) {
    CRC32 crc = new CRC32();
    crc.update(key);
    return (int) (crc.getValue() % partitions);
  }

  @Override
  public int partition(
      String topic, Object key, byte[] keyBytes, Object value, byte[] valueBytes, Cluster cluster) {
    int partitions = cluster.partitionCountForTopic(topic);
    return keyBytes == null
        ? ThreadLocalRandom.current().nextInt(partitions)
        : partitionOf(keyBytes, partitions);
  }

  @Override
  public void configure(Map<String, ?> configs) {}

  @Override
  public void close() {}
}
