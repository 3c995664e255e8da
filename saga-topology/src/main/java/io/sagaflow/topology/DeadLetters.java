package io.sagaflow.topology;

import io.sagaflow.contract.DeadLetter;
import io.sagaflow.contract.DeadLetterReason;
import io.sagaflow.serde.AvroSerializer;
import io.sagaflow.serde.SagaHeaders;
import io.sagaflow.serde.SchemaRegistry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.internals.ExceptionHandlerUtils;

/**
 * Builds dead-letter records: the value is a {@link DeadLetter} (reason, detail, where the input
 * came from, and the input's original key and value bytes, so it can be re-published once fixed);
 * the headers ({@code saga_dlq_*} in {@link SagaHeaders}) carry the same facts as plain strings
 * plus Kafka Streams' own {@code __streams.errors.*} headers, so operators can filter without
 * decoding the value.
 *
 * <p>One instance is shared by the processors and the exception handlers of an application; it is
 * handed to the handlers through the Streams config under {@link #CONFIG}.
 */
public final class DeadLetters {
  /** Streams config key under which the handlers find this instance. */
  public static final String CONFIG = "sagaflow.dead.letters";

  private final String topic;
  private final AvroSerializer<DeadLetter> serializer;
  private final SagaCounters counters;

  /** Dead letters for {@code topic}, serialized through {@code registry}. */
  public DeadLetters(
      String topic, SchemaRegistry registry, boolean autoRegister, SagaCounters counters) {
    this.topic = topic;
    this.serializer = SagaTopics.DEAD_LETTER_RECORDS.serializer(registry, autoRegister);
    this.counters = counters;
  }

  /** The dead-letter topic. */
  public String topic() {
    return topic;
  }

  /** A dead letter for an input that failed in Kafka Streams (decoding or processing). */
  ProducerRecord<byte[], byte[]> fromHandler(
      ErrorHandlerContext context,
      byte[] rawKey,
      byte[] rawValue,
      Exception exception,
      DeadLetterReason reason,
      Optional<String> sagaId,
      String detail) {
    // The built-in builder adds
    // __streams.errors.{exception,message,stacktrace,topic,partition,offset}.
    ProducerRecord<byte[], byte[]> builtIn =
        ExceptionHandlerUtils.buildDeadLetterQueueRecord(
            topic, rawKey, rawValue, context, exception);
    DeadLetter letter =
        letter(
            reason,
            detail,
            context.topic(),
            context.partition(),
            context.offset(),
            sagaId,
            rawKey,
            rawValue,
            Instant.ofEpochMilli(context.timestamp()));
    Headers headers = new RecordHeaders(builtIn.headers().toArray());
    addFacts(headers, letter);
    counters.increment(SagaMetric.DEAD_LETTER, reason.name());
    return new ProducerRecord<>(
        topic, null, context.timestamp(), rawKey, serializer.serialize(topic, letter), headers);
  }

  /** The value and headers of a dead letter that has no source record (a timer that failed). */
  DeadLetter letter(
      DeadLetterReason reason,
      String detail,
      String sourceTopic,
      int partition,
      long offset,
      Optional<String> sagaId,
      byte[] rawKey,
      byte[] rawValue,
      Instant at) {
    return DeadLetter.newBuilder()
        .setReason(reason)
        .setDetail(detail)
        .setSourceTopic(sourceTopic)
        .setSourcePartition(partition)
        .setSourceOffset(offset)
        .setSagaId(sagaId.orElse(null))
        .setOriginalKey(rawKey == null ? null : ByteBuffer.wrap(rawKey))
        .setOriginalValue(rawValue == null ? null : ByteBuffer.wrap(rawValue))
        .setFailedAt(at)
        .build();
  }

  /** Adds the reason, detail, source and saga id headers that describe {@code letter}. */
  void addFacts(Headers headers, DeadLetter letter) {
    put(headers, SagaHeaders.SAGA_DLQ_REASON, letter.getReason().name());
    put(headers, SagaHeaders.SAGA_DLQ_DETAIL, letter.getDetail());
    put(headers, SagaHeaders.SAGA_DLQ_SOURCE_TOPIC, letter.getSourceTopic());
    put(
        headers,
        SagaHeaders.SAGA_DLQ_SOURCE_PARTITION,
        Integer.toString(letter.getSourcePartition()));
    put(headers, SagaHeaders.SAGA_DLQ_SOURCE_OFFSET, Long.toString(letter.getSourceOffset()));
    if (letter.getSagaId() != null) {
      put(headers, SagaHeaders.CE_SUBJECT, letter.getSagaId());
    }
  }

  /** Counts a dead letter that a processor forwards itself. */
  void count(DeadLetterReason reason) {
    counters.increment(SagaMetric.DEAD_LETTER, reason.name());
  }

  /** Counts a dead letter that the dead-letter store failed to record (it stays in the topic). */
  void countUnrecorded() {
    counters.increment(SagaMetric.DEAD_LETTER_STORE, "failed");
  }

  private static void put(Headers headers, String name, String value) {
    headers.remove(name);
    headers.add(name, value.getBytes(StandardCharsets.UTF_8));
  }
}
