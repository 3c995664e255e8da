package io.sagaflow.app.demo;

import io.sagaflow.app.ClientProperties;
import io.sagaflow.app.config.SagaflowConfig;
import io.sagaflow.contract.StartSaga;
import io.sagaflow.module.DemoData;
import io.sagaflow.serde.SchemaRegistry;
import io.sagaflow.topology.DataCodec;
import io.sagaflow.topology.SagaTopics;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Sends {@link StartSaga} requests for demo sagas to {@code saga.requests}, keyed by saga id, with
 * the saga id as idempotency key so a resent request never starts a saga twice.
 */
public final class StartRequests implements AutoCloseable {
  private final KafkaProducer<String, SpecificRecord> producer;
  private final DataCodec data;
  private final long seed;

  /**
   * A sender for saga data derived from {@code seed}; {@code classes} sees the modules' records.
   */
  public StartRequests(
      SagaflowConfig config, SchemaRegistry schemas, long seed, ClassLoader classes) {
    this.producer =
        new KafkaProducer<>(
            ClientProperties.producer(config, config.applicationId() + "-demo"),
            new StringSerializer(),
            SagaTopics.REQUEST_RECORDS.serializer(schemas, config.autoRegister()));
    this.data = new DataCodec(schemas, config.autoRegister(), classes);
    this.seed = seed;
  }

  /**
   * Sends one start request per saga id, calls {@code onSent} as the broker acknowledges each, and
   * returns once all are acknowledged.
   *
   * @throws IllegalStateException when the broker refused one
   */
  public void send(DemoData demo, List<String> sagaIds, Runnable onSent) {
    List<Future<RecordMetadata>> sends = new ArrayList<>(sagaIds.size());
    for (String sagaId : sagaIds) {
      StartSaga request =
          StartSaga.newBuilder()
              .setSagaType(demo.sagaType())
              .setData(ByteBuffer.wrap(data.encode(demo.data(sagaId, seed))))
              .setIdempotencyKey(sagaId)
              .setRequestedAt(Instant.now())
              .build();
      sends.add(
          producer.send(
              new ProducerRecord<>(SagaTopics.REQUESTS, sagaId, request),
              (metadata, error) -> {
                if (error == null) {
                  onSent.run();
                }
              }));
    }
    try {
      for (Future<RecordMetadata> send : sends) {
        send.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while sending start requests", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "Could not send a start request to "
              + SagaTopics.REQUESTS
              + ": "
              + e.getCause().getMessage(),
          e);
    }
  }

  @Override
  public void close() {
    producer.close();
  }
}
