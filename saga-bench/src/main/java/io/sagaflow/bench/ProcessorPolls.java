package io.sagaflow.bench;

import io.sagaflow.topology.SagaTopics;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerInterceptor;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * When the saga processor's main consumer handed each reply to its stream thread: an interceptor on
 * that consumer (the open-loop phase installs it), whose stamps split a step's "decided" part into
 * the fetch path (the reply readable, not yet polled) and the stream thread's own queue (polled,
 * not yet decided). Kafka creates the interceptor by reflection, so the stamps live in a static
 * map, cleared when a phase starts.
 */
public final class ProcessorPolls implements ConsumerInterceptor<byte[], byte[]> {
  private static final Map<Long, Long> POLLED = new ConcurrentHashMap<>();

  /** Forgets the stamps of an earlier phase. */
  static void clear() {
    POLLED.clear();
  }

  /** The stamps as the step timeline reads them. */
  static EventStats.Polls polls() {
    return (partition, offset) -> POLLED.getOrDefault(key(partition, offset), -1L);
  }

  private static long key(int partition, long offset) {
    // Offsets of one phase stay far below 2^48, and the bench's topics have few partitions.
    return ((long) partition << 48) | offset;
  }

  @Override
  public ConsumerRecords<byte[], byte[]> onConsume(ConsumerRecords<byte[], byte[]> records) {
    long now = System.currentTimeMillis();
    for (ConsumerRecord<byte[], byte[]> r : records) {
      if (r.topic().equals(SagaTopics.REPLIES)) {
        POLLED.putIfAbsent(key(r.partition(), r.offset()), now);
      }
    }
    return records;
  }

  @Override
  public void onCommit(Map<TopicPartition, OffsetAndMetadata> offsets) {}

  @Override
  public void close() {}

  @Override
  public void configure(Map<String, ?> configs) {}
}
