package io.sagaflow.api;

import io.sagaflow.embedded.kafka.TestKafka;
import io.sagaflow.serde.SagaHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;

/**
 * What participants see: the committed commands on every command topic, read from their headers
 * (step, attempt, kind, command id), so a test can answer them through the callback route.
 */
final class Participants implements AutoCloseable {
  /** One command as a participant reads it. */
  record Command(String sagaId, String step, int attempt, String kind, String commandId) {}

  private final KafkaConsumer<String, byte[]> consumer;
  private final List<Command> seen = new ArrayList<>();

  Participants(TestKafka kafka, java.util.Collection<String> topics) {
    Properties props = kafka.clientProperties();
    props.put(ConsumerConfig.GROUP_ID_CONFIG, kafka.uniqueName("participants"));
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // Only what the processor's transactions committed is a real command.
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    consumer.subscribe(List.copyOf(topics));
  }

  /**
   * Waits for the command of {@code sagaId}, {@code step}, {@code kind} with the highest attempt.
   */
  synchronized Command command(String sagaId, String step, String kind, int attempt) {
    Awaitility.await()
        .pollInSameThread()
        .atMost(Duration.ofSeconds(30))
        .until(() -> find(sagaId, step, kind, attempt).isPresent());
    return find(sagaId, step, kind, attempt).orElseThrow();
  }

  /** Every command of {@code sagaId} read so far (after reading what is there now). */
  synchronized List<Command> of(String sagaId) {
    poll();
    return seen.stream().filter(c -> c.sagaId().equals(sagaId)).toList();
  }

  private Optional<Command> find(String sagaId, String step, String kind, int attempt) {
    poll();
    return seen.stream()
        .filter(
            c ->
                c.sagaId().equals(sagaId)
                    && c.step().equals(step)
                    && c.kind().equals(kind)
                    && c.attempt() == attempt)
        .findFirst();
  }

  private void poll() {
    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
      seen.add(
          new Command(
              r.key(),
              header(r, SagaHeaders.SAGA_STEP),
              Integer.parseInt(header(r, SagaHeaders.SAGA_ATTEMPT)),
              header(r, SagaHeaders.SAGA_KIND),
              header(r, SagaHeaders.CE_ID)));
    }
  }

  private static String header(ConsumerRecord<?, ?> r, String name) {
    Header h = r.headers().lastHeader(name);
    return h == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
  }

  @Override
  public synchronized void close() {
    consumer.close(Duration.ofSeconds(5));
  }
}
