package io.sagaflow.api;

import io.sagaflow.contract.StepReply;
import io.sagaflow.serde.AvroSerializer;
import io.sagaflow.serde.SagaHeaders;
import io.sagaflow.serde.SchemaRegistry;
import io.sagaflow.topology.SagaTopics;
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
  private final AvroSerializer<SpecificRecord> requests;
  private final AvroSerializer<StepReply> replies;

  SagaInputs(Producer<String, byte[]> producer, SchemaRegistry registry, boolean autoRegister) {
    this.producer = producer;
    this.requests = SagaTopics.REQUEST_RECORDS.serializer(registry, autoRegister);
    this.replies = SagaTopics.REPLY_RECORDS.serializer(registry, autoRegister);
  }

  /** Sends a start, cancel or operator request to saga.requests. */
  void request(String sagaId, SpecificRecord request, Map<String, String> headers) {
    String topic = SagaTopics.REQUEST_RECORDS.name();
    send(topic, sagaId, requests.serialize(topic, request), headers);
  }

  /** Sends a participant's reply to saga.replies. */
  void reply(String sagaId, StepReply reply) {
    String topic = SagaTopics.REPLY_RECORDS.name();
    send(topic, sagaId, replies.serialize(topic, reply), Map.of());
  }

  private void send(String topic, String sagaId, byte[] bytes, Map<String, String> headers) {
    RecordHeaders kafkaHeaders = new RecordHeaders();
    headers.forEach((k, v) -> kafkaHeaders.add(k, v.getBytes(StandardCharsets.UTF_8)));
    // ce_subject names the saga for participants and tools that never decode the key.
    kafkaHeaders.add(SagaHeaders.CE_SUBJECT, sagaId.getBytes(StandardCharsets.UTF_8));
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
