package io.sagaflow.bench;

import io.sagaflow.contract.SagaStateRecord;
import io.sagaflow.contract.StepStateRecord;
import io.sagaflow.contract.TransitionRecord;
import io.sagaflow.examples.order.OrderFulfilmentData;
import io.sagaflow.examples.order.OrderFulfilmentSaga;
import io.sagaflow.examples.order.OrderLine;
import io.sagaflow.examples.order.PostalAddress;
import io.sagaflow.serde.AvroSerializer;
import io.sagaflow.serde.SchemaRegistry;
import io.sagaflow.topology.DataCodec;
import io.sagaflow.topology.SagaTopics;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Puts finished sagas into the saga-state store before a run, by writing them to the store's
 * changelog topic: Kafka Streams restores the store from it at start, exactly as after a crash.
 * Keys go through the default partitioner, as Streams' own changelog writes do, so each record
 * lands on the partition of the task that owns the saga.
 */
final class StatePreloader {
  private static final List<String> STEPS =
      List.of(
          "reserve-inventory",
          "authorize-payment",
          "capture-payment",
          "book-shipment",
          "send-confirmation");

  private StatePreloader() {}

  static void preload(String bootstrap, String changelog, SchemaRegistry schemas, int sagas) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(512 * 1024));
    props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    DataCodec data = new DataCodec(schemas, true);
    AvroSerializer<SagaStateRecord> serializer = SagaTopics.STATE_RECORDS.serializer(schemas, true);
    SendFailures failures = new SendFailures();
    Instant at = Instant.parse("2026-01-01T00:00:00Z");
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            props,
            new StringSerializer(),
            new org.apache.kafka.common.serialization.ByteArraySerializer())) {
      for (int i = 0; i < sagas; i++) {
        String sagaId = "finished-" + i;
        byte[] value = serializer.serialize(changelog, finished(sagaId, data, at));
        var unused = producer.send(new ProducerRecord<>(changelog, sagaId, value), failures);
      }
      producer.flush();
    }
    failures.check(changelog);
  }

  private static SagaStateRecord finished(String sagaId, DataCodec data, Instant at) {
    OrderFulfilmentData order =
        OrderFulfilmentData.newBuilder()
            .setOrderId("order-" + sagaId)
            .setCustomerId("customer-" + sagaId)
            .setCustomerEmail("someone@example.org")
            .setShippingAddress(
                new PostalAddress("Someone", "1 Main St", null, "Springfield", "12345", "US"))
            .setLines(List.of(new OrderLine("sku-1", 1), new OrderLine("sku-2", 3)))
            .setAmount(new BigDecimal("99.90"))
            .setCurrency("EUR")
            .setPaymentToken("tok")
            .setReservationId("res-" + sagaId)
            .setAuthorizationId("auth-" + sagaId)
            .setCaptureId("cap-" + sagaId)
            .setShipmentId("ship-" + sagaId)
            .setConfirmationId("msg-" + sagaId)
            .build();
    return SagaStateRecord.newBuilder()
        .setStateVersion(1)
        .setSagaId(sagaId)
        .setSagaType(OrderFulfilmentSaga.TYPE)
        .setDefinitionVersion(1)
        .setStatus("COMPLETED")
        .setData(ByteBuffer.wrap(data.encode(order)))
        .setSteps(
            STEPS.stream()
                .map(
                    step ->
                        StepStateRecord.newBuilder()
                            .setName(step)
                            .setStatus("SUCCEEDED")
                            .setAttempt(1)
                            .setCompensationAttempt(0)
                            .setStartedAt(at)
                            .setFinishedAt(at)
                            .build())
                .toList())
        .setTimers(List.of())
        .setHistory(
            List.of(
                new TransitionRecord(at, "", "RUNNING", "started"),
                new TransitionRecord(at, "RUNNING", "COMPLETED", "all steps succeeded")))
        .setTraceparent(null)
        .setLastError(null)
        .setCreatedAt(at)
        .setUpdatedAt(at)
        .build();
  }
}
