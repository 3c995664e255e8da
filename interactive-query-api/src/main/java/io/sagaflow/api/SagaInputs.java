package io.sagaflow.api;

import io.sagaflow.serde.AvroSerdeConfig;
import io.sagaflow.serde.AvroSerializer;
import io.sagaflow.serde.SagaHeaders;
import io.sagaflow.serde.SchemaRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Writes saga inputs (requests and replies) to Kafka, keyed by saga id, and waits for the broker's
 * acknowledgement: a 202 means the input is durably on its topic, not merely buffered.
 */
final class SagaInputs {
  private static final Duration SEND_TIMEOUT = Duration.ofSeconds(10);

  private final Producer<String, byte[]> producer;
  private final AvroSerializer<SpecificRecord> serializer;

  SagaInputs(Producer<String, byte[]> producer, SchemaRegistry registry, boolean autoRegister) {
    this.producer = producer;
    // Requests carry several record types on one topic: record-name subjects, as the contract says.
    this.serializer =
        new AvroSerializer<>(registry, AvroSerdeConfig.recordName().withAutoRegister(autoRegister));
  }

  /** Sends {@code value} to {@code topic} keyed by {@code sagaId} with the given headers. */
  void send(String topic, String sagaId, SpecificRecord value, Map<String, String> headers) {
    RecordHeaders kafkaHeaders = new RecordHeaders();
    headers.forEach((k, v) -> kafkaHeaders.add(k, v.getBytes(StandardCharsets.UTF_8)));
    // ce_subject names the saga for participants and tools that never decode the key.
    kafkaHeaders.add(SagaHeaders.CE_SUBJECT, sagaId.getBytes(StandardCharsets.UTF_8));
    byte[] bytes = serializer.serialize(topic, value);
    try {
      producer
          .send(new ProducerRecord<>(topic, null, sagaId, bytes, kafkaHeaders))
          .get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApiProblem.unavailable(
          "kafka-unavailable", "Interrupted while writing to " + topic + "; retry.", 1);
    } catch (ExecutionException | TimeoutException e) {
      throw ApiProblem.unavailable(
          "kafka-unavailable",
          "Could not write to Kafka topic "
              + topic
              + " within "
              + SEND_TIMEOUT.toSeconds()
              + " s ("
              + e
              + "); nothing was started or changed, retry with the same Idempotency-Key.",
          5);
    }
  }
}
