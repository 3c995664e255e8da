package io.sagaflow.topology;

import static org.awaitility.Awaitility.await;

import io.sagaflow.embedded.kafka.KafkaBrokerExtension;
import io.sagaflow.embedded.kafka.TestKafka;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The timer hold against a real broker: its targets, the processed offsets, the committed ones. */
@ExtendWith(KafkaBrokerExtension.class)
class InputCatchUpIT {
  private static final Duration LIMIT = Duration.ofMinutes(5);

  @Test
  void shouldOpenAtOnceWhenTheInputsAreEmpty(TestKafka kafka) {
    String requests = kafka.createTopic("catch-up-empty", 1);
    MockProcessorContext<Object, Object> context = context(kafka, "catch-up-empty-app");
    try (InputCatchUp gate = InputCatchUp.start(context, List.of(requests), LIMIT)) {
      await().atMost(Duration.ofSeconds(30)).until(() -> gate.caughtUp(now()));
    }
  }

  @Test
  void shouldHoldUntilTheRecordBeforeTheStartOffsetIsProcessed(TestKafka kafka) throws Exception {
    // Given three records on the input when the task starts
    String requests = kafka.createTopic("catch-up-processed", 1);
    send(kafka, requests, 3);
    MockProcessorContext<Object, Object> context = context(kafka, "catch-up-processed-app");
    try (InputCatchUp gate = InputCatchUp.start(context, List.of(requests), LIMIT)) {
      // When the first two are processed, it holds
      for (int offset = 0; offset < 2; offset++) {
        context.setRecordMetadata(requests, 0, offset);
        gate.processed(context.recordMetadata());
      }
      await()
          .during(Duration.ofSeconds(1))
          .atMost(Duration.ofSeconds(30))
          .until(() -> !gate.caughtUp(now()));

      // Then it opens once the third is
      context.setRecordMetadata(requests, 0, 2);
      gate.processed(context.recordMetadata());
      await().atMost(Duration.ofSeconds(30)).until(() -> gate.caughtUp(now()));
      gate.processed(Optional.empty());
    }
  }

  @Test
  void shouldOpenOnceTheApplicationsCommittedPositionReachesTheStartOffset(TestKafka kafka)
      throws Exception {
    // Given three records the coordinator will never see (dead-lettered by a decoder, say)
    String requests = kafka.createTopic("catch-up-committed", 1);
    send(kafka, requests, 3);
    String app = "catch-up-committed-app";
    MockProcessorContext<Object, Object> context = context(kafka, app);
    try (InputCatchUp gate = InputCatchUp.start(context, List.of(requests), LIMIT)) {
      await()
          .during(Duration.ofSeconds(1))
          .atMost(Duration.ofSeconds(30))
          .until(() -> !gate.caughtUp(now()));

      // When the application commits its position past them
      try (Admin admin = kafka.admin()) {
        admin
            .alterConsumerGroupOffsets(
                app, Map.of(new TopicPartition(requests, 0), new OffsetAndMetadata(3)))
            .all()
            .get();
      }

      // Then the gate opens
      await().atMost(Duration.ofSeconds(30)).until(() -> gate.caughtUp(now()));
    }
  }

  private static long now() {
    return System.currentTimeMillis();
  }

  private static void send(TestKafka kafka, String topic, int count) throws Exception {
    Properties props = kafka.clientProperties();
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
      for (int i = 0; i < count; i++) {
        producer.send(new ProducerRecord<>(topic, 0, "k" + i, "v" + i)).get();
      }
    }
  }

  private static MockProcessorContext<Object, Object> context(TestKafka kafka, String app) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, app);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    MockProcessorContext<Object, Object> context = new MockProcessorContext<>(props);
    context.setCurrentSystemTimeMs(now());
    return context;
  }
}
