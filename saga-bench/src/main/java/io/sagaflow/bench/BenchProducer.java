package io.sagaflow.bench;

import java.util.Properties;
import java.util.SplittableRandom;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Fills a topic with deterministic records before a measurement starts. */
final class BenchProducer {
  private BenchProducer() {}

  static void fill(String bootstrap, String topic, int records, int valueBytes) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
    SplittableRandom random = new SplittableRandom(42);
    SendFailures failures = new SendFailures();
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < records; i++) {
        byte[] value = new byte[valueBytes];
        random.nextBytes(value);
        // The callback keeps the first failure; the future itself is not needed.
        var unused =
            producer.send(new ProducerRecord<>(topic, "key-" + (i % 100_000), value), failures);
      }
      producer.flush();
    }
    failures.check(topic);
  }
}
