package io.sagaflow.app.demo;

import io.sagaflow.app.ClientProperties;
import io.sagaflow.app.config.SagaflowConfig;
import io.sagaflow.contract.SagaEvent;
import io.sagaflow.serde.SchemaRegistry;
import io.sagaflow.topology.SagaTopics;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@code saga.events} (read_committed, every partition, no consumer group) on its own thread
 * and feeds the events of sagas whose id starts with a prefix into a {@link SagaProgress}.
 */
public final class EventReader implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EventReader.class);

  private final KafkaConsumer<String, SagaEvent> consumer;
  private final Thread thread;
  private volatile boolean running = true;

  private EventReader(
      KafkaConsumer<String, SagaEvent> consumer, String prefix, SagaProgress progress) {
    this.consumer = consumer;
    this.thread = new Thread(() -> loop(prefix, progress), "saga-events-reader");
    this.thread.setDaemon(true);
  }

  /**
   * Starts reading. With {@code fromBeginning} false, reading starts at the current end, which is
   * fixed before this method returns, so no event of a workload started afterwards is missed.
   */
  public static EventReader start(
      SagaflowConfig config,
      SchemaRegistry schemas,
      String prefix,
      SagaProgress progress,
      boolean fromBeginning) {
    KafkaConsumer<String, SagaEvent> consumer =
        new KafkaConsumer<>(
            ClientProperties.reader(config),
            new StringDeserializer(),
            SagaTopics.EVENT_RECORDS.deserializer(schemas));
    List<TopicPartition> partitions =
        consumer.partitionsFor(SagaTopics.EVENTS, Duration.ofSeconds(30)).stream()
            .map(p -> new TopicPartition(p.topic(), p.partition()))
            .toList();
    if (partitions.isEmpty()) {
      consumer.close();
      throw new IllegalStateException(
          "Topic "
              + SagaTopics.EVENTS
              + " does not exist on "
              + config.kafka().get("bootstrap.servers")
              + "; create the saga topics first (saga.topics.create=true does it at start).");
    }
    consumer.assign(partitions);
    if (fromBeginning) {
      consumer.seekToBeginning(partitions);
    } else {
      consumer.seekToEnd(partitions);
    }
    // position() resolves the lazy seek now, before the caller produces anything.
    partitions.forEach(consumer::position);
    EventReader reader = new EventReader(consumer, prefix, progress);
    reader.thread.start();
    return reader;
  }

  private void loop(String prefix, SagaProgress progress) {
    try {
      while (running) {
        for (ConsumerRecord<String, SagaEvent> record : consumer.poll(Duration.ofMillis(200))) {
          if (record.key() != null && record.key().startsWith(prefix)) {
            progress.apply(record.value());
          }
        }
      }
    } catch (WakeupException e) {
      if (running) {
        LOG.error("The saga.events reader was woken up unexpectedly", e);
      }
    } catch (RuntimeException e) {
      LOG.error("The saga.events reader stopped; progress is no longer updated: {}", e, e);
    } finally {
      consumer.close();
    }
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
