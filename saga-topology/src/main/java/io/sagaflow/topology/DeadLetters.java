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
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.internals.ExceptionHandlerUtils;

/**
 * Builds dead-letter records: the value is a {@link DeadLetter} (reason, detail, where the input
 * came from, and the input's original key and value bytes, so it can be re-published once fixed,
 * with fields tagged {@code pii} or {@code secret} masked by {@link OriginalRedaction}); the
 * headers ({@code saga_dlq_*} in {@link SagaHeaders}) carry the same facts as plain strings plus
 * Kafka Streams' own {@code __streams.errors.*} headers, so operators can filter without decoding
 * the value.
 *
 * <p>One instance is shared by the processors and the exception handlers of an application; it is
 * handed to the handlers through the Streams config under {@link #CONFIG}.
 */
public final class DeadLetters {
  /** Streams config key under which the handlers find this instance. */
  public static final String CONFIG = "sagaflow.dead.letters";

  /**
   * The most bytes of an input a dead letter carries. An input just under the broker's message size
   * would otherwise make a dead letter over it (its bytes plus the error headers), whose write
   * fails and stops the stream thread on every retry; past this bound (key, value and headers of
   * the input together) the original bytes and headers are left out, and header {@code
   * saga_dlq_original_omitted} says how many bytes they were.
   */
  public static final int MAX_ORIGINAL_BYTES = 512 * 1024;

  private static final String STREAMS_ERROR_HEADERS = "__streams.errors.";

  private final String topic;
  private final AvroSerializer<DeadLetter> serializer;
  private final SagaCounters counters;
  private final OriginalRedaction redaction;

  /** Dead letters for {@code topic}, serialized through {@code registry}. */
  public DeadLetters(
      String topic, SchemaRegistry registry, boolean autoRegister, SagaCounters counters) {
    this.topic = topic;
    this.serializer = SagaTopics.DEAD_LETTER_RECORDS.serializer(registry, autoRegister);
    this.counters = counters;
    this.redaction = new OriginalRedaction(registry);
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
    int originalBytes = length(rawKey) + length(rawValue) + size(context.headers());
    boolean omit = originalBytes > MAX_ORIGINAL_BYTES;
    byte[] key = omit ? null : rawKey;
    OriginalRedaction.Result original =
        omit ? new OriginalRedaction.Result(null, Optional.empty()) : redaction.redact(rawValue);
    byte[] value = original.value();
    ProducerRecord<byte[], byte[]> builtIn =
        ExceptionHandlerUtils.buildDeadLetterQueueRecord(topic, key, value, context, exception);
    DeadLetter letter =
        letter(
            reason,
            omit ? detail + omitted(originalBytes, context) : detail,
            context.topic(),
            context.partition(),
            context.offset(),
            sagaId,
            key,
            value,
            Instant.ofEpochMilli(context.timestamp()));
    Headers headers = new RecordHeaders();
    for (Header header : builtIn.headers()) {
      // The built-in record copies the input's headers too; an oversized input keeps none.
      if (!omit || header.key().startsWith(STREAMS_ERROR_HEADERS)) {
        headers.add(header);
      }
    }
    addFacts(headers, letter);
    if (omit) {
      put(headers, SagaHeaders.SAGA_DLQ_ORIGINAL_OMITTED, Integer.toString(originalBytes));
    }
    if (original.redacted().isPresent()) {
      headers.remove(SagaHeaders.SAGA_DLQ_ORIGINAL_REDACTED);
      headers.add(SagaHeaders.SAGA_DLQ_ORIGINAL_REDACTED, original.header());
      put(headers, SagaHeaders.SAGA_DLQ_ORIGINAL_VALUE_BYTES, Integer.toString(length(rawValue)));
    }
    counters.increment(SagaMetric.DEAD_LETTER, reason.name());
    return new ProducerRecord<>(
        topic, null, context.timestamp(), key, serializer.serialize(topic, letter), headers);
  }

  private static int length(byte[] bytes) {
    return bytes == null ? 0 : bytes.length;
  }

  private static int size(Headers headers) {
    int bytes = 0;
    for (Header header : headers) {
      bytes += header.key().length() + length(header.value());
    }
    return bytes;
  }

  private static String omitted(int originalBytes, ErrorHandlerContext context) {
    return " (The input's key, value and headers, "
        + originalBytes
        + " bytes, are not in this dead letter: over the "
        + MAX_ORIGINAL_BYTES
        + "-byte bound that keeps dead letters under the broker's message size. Read them at "
        + context.topic()
        + "-"
        + context.partition()
        + "@"
        + context.offset()
        + " while the topic retains them.)";
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
