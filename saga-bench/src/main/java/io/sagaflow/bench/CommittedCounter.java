package io.sagaflow.bench;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Waits until a read_committed consumer has seen a number of records on a topic. */
final class CommittedCounter {
  private CommittedCounter() {}

  static void awaitCount(String bootstrap, String topic, long expected, Duration timeout) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "counter-" + topic);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
    long seen = 0;
    long deadline = System.nanoTime() + timeout.toNanos();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      while (seen < expected) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "Only " + seen + " of " + expected + " records on " + topic + " after " + timeout);
        }
        seen += consumer.poll(Duration.ofMillis(100)).count();
      }
    }
  }
}
