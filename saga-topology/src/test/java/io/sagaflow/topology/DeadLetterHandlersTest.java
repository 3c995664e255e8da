package io.sagaflow.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sagaflow.contract.DeadLetter;
import io.sagaflow.contract.DeadLetterReason;
import io.sagaflow.serde.AvroDeserializer;
import io.sagaflow.serde.InMemorySchemaRegistry;
import io.sagaflow.serde.SagaHeaders;
import io.sagaflow.serde.SchemaRegistryException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

/** The KIP-1034 handlers as Kafka Streams calls them, with a hand-made handler context. */
class DeadLetterHandlersTest {
  private static final byte[] KEY = "s-1".getBytes(StandardCharsets.UTF_8);
  private static final byte[] VALUE = {1, 2, 3};
  private static final long AT = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();

  private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
  private final SagaCounters counters = new SagaCounters();
  private final Map<String, Object> config =
      Map.of(DeadLetters.CONFIG, new DeadLetters(SagaTopics.DLQ, registry, true, counters));

  /** What Kafka Streams tells a handler about the failing record. */
  // Kafka's ErrorHandlerContext hands the raw key and value over as arrays; no test compares two.
  @SuppressWarnings("ArrayRecordComponent")
  private record Context(
      String topic,
      int partition,
      long offset,
      Headers headers,
      String processorNodeId,
      TaskId taskId,
      long timestamp,
      byte[] sourceRawKey,
      byte[] sourceRawValue)
      implements ErrorHandlerContext {}

  private static Context contextFor(byte[] key) {
    return new Context(
        SagaTopics.REQUESTS,
        3,
        42L,
        new RecordHeaders(),
        "coordinator",
        new TaskId(0, 3),
        AT,
        key,
        VALUE);
  }

  private DeserializationExceptionHandler deserialization() {
    DeserializationExceptionHandler handler = new DeadLetterHandlers.Deserialization();
    handler.configure(config);
    return handler;
  }

  private ProcessingExceptionHandler processing() {
    ProcessingExceptionHandler handler = new DeadLetterHandlers.Processing();
    handler.configure(config);
    return handler;
  }

  private static ConsumerRecord<byte[], byte[]> consumed(byte[] key) {
    return new ConsumerRecord<>(SagaTopics.REQUESTS, 3, 42L, key, VALUE);
  }

  private DeadLetter value(ProducerRecord<byte[], byte[]> letter) {
    return AvroDeserializer.specific(DeadLetter.class, registry)
        .deserialize(SagaTopics.DLQ, letter.value());
  }

  private static String header(ProducerRecord<byte[], byte[]> letter, String name) {
    return new String(letter.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }

  @Test
  void shouldResumeWithDeadLetterPointingAtTheSourceOfAnUndecodableRecord() {
    // Given the error our Avro deserializer raises for bytes not in the wire format
    Exception error =
        catchThrown(
            Exception.class, () -> AvroDeserializer.anySpecific(registry).deserialize("t", VALUE));

    // When the deserialization handler sees it
    DeserializationExceptionHandler.Response response =
        deserialization().handleError(contextFor(KEY), consumed(KEY), error);

    // Then processing resumes, and one dead letter carries the reason and where the record is; not
    // its bytes, which may hold personal data that cannot be masked in bytes that do not decode
    assertThat(response.result()).isEqualTo(DeserializationExceptionHandler.Result.RESUME);
    List<ProducerRecord<byte[], byte[]>> letters = response.deadLetterQueueRecords();
    assertThat(letters).hasSize(1);
    ProducerRecord<byte[], byte[]> letter = letters.get(0);
    assertThat(letter.topic()).isEqualTo(SagaTopics.DLQ);
    assertThat(letter.key()).isEqualTo(KEY);
    assertThat(letter.timestamp()).isEqualTo(AT);
    assertThat(header(letter, SagaHeaders.SAGA_DLQ_REASON)).isEqualTo("DESERIALIZATION_FAILED");
    assertThat(header(letter, SagaHeaders.SAGA_DLQ_SOURCE_PARTITION)).isEqualTo("3");
    assertThat(header(letter, SagaHeaders.SAGA_DLQ_SOURCE_OFFSET)).isEqualTo("42");
    assertThat(header(letter, SagaHeaders.CE_SUBJECT)).isEqualTo("s-1");
    assertThat(header(letter, "__streams.errors.offset")).isEqualTo("42");
    DeadLetter value = value(letter);
    assertThat(value.getReason()).isEqualTo(DeadLetterReason.DESERIALIZATION_FAILED);
    assertThat(value.getSagaId()).isEqualTo("s-1");
    assertThat(value.getOriginalValue()).isNull();
    assertThat(header(letter, SagaHeaders.SAGA_DLQ_ORIGINAL_REDACTED)).isEqualTo("undecodable");
    assertThat(value.getDetail())
        .startsWith("Could not decode the record from saga.requests: ")
        .doesNotContain("is the producer using");
    assertThat(counters.get("dead-letter.DESERIALIZATION_FAILED")).isEqualTo(1);
  }

  @Test
  void shouldLeaveOutTheBytesOfAnInputTooLargeToFitInADeadLetter() {
    // Given an undecodable input just under a broker's 1 MiB message size, with a header
    byte[] large = new byte[1_000_000];
    Headers inputHeaders = new RecordHeaders();
    inputHeaders.add("x-trace", "abc".getBytes(StandardCharsets.UTF_8));
    // When the deserialization handler dead-letters it
    ProducerRecord<byte[], byte[]> letter = deadLetterOfUndecodable(large, inputHeaders);

    // Then the dead letter stays small: no original bytes or input headers, their size in a
    // header, where to find them in the detail; the facts and Kafka's error headers remain
    int original = KEY.length + large.length + "x-trace".length() + 3;
    assertThat(letter.value().length).isLessThan(DeadLetters.MAX_ORIGINAL_BYTES / 10);
    assertThat(letter.key()).isNull();
    assertThat(letter.headers().lastHeader("x-trace")).isNull();
    assertThat(header(letter, SagaHeaders.SAGA_DLQ_ORIGINAL_OMITTED))
        .isEqualTo(Integer.toString(original));
    assertThat(header(letter, SagaHeaders.SAGA_DLQ_REASON)).isEqualTo("DESERIALIZATION_FAILED");
    assertThat(header(letter, "__streams.errors.offset")).isEqualTo("42");
    DeadLetter value = value(letter);
    assertThat(value.getOriginalValue()).isNull();
    assertThat(value.getOriginalKey()).isNull();
    assertThat(value.getSagaId()).isEqualTo("s-1");
    assertThat(value.getDetail())
        .contains(original + " bytes, are not in this dead letter")
        .contains("saga.requests-3@42");
  }

  @Test
  void shouldNotOmitAnInputWithinTheBound() {
    byte[] fits = new byte[DeadLetters.MAX_ORIGINAL_BYTES - KEY.length];
    ProducerRecord<byte[], byte[]> letter = deadLetterOfUndecodable(fits, new RecordHeaders());

    assertThat(letter.headers().lastHeader(SagaHeaders.SAGA_DLQ_ORIGINAL_OMITTED)).isNull();
    // Undecodable bytes are left out for redaction's sake, not for their size
    assertThat(header(letter, SagaHeaders.SAGA_DLQ_ORIGINAL_REDACTED)).isEqualTo("undecodable");
    assertThat(letter.key()).isEqualTo(KEY);
  }

  /**
   * The dead letter of an undecodable input keyed {@link #KEY} with {@code value}, {@code headers}.
   */
  private ProducerRecord<byte[], byte[]> deadLetterOfUndecodable(byte[] value, Headers headers) {
    Context context =
        new Context(
            SagaTopics.REQUESTS, 3, 42L, headers, "coordinator", new TaskId(0, 3), AT, KEY, value);
    Exception error =
        catchThrown(
            Exception.class, () -> AvroDeserializer.anySpecific(registry).deserialize("t", VALUE));
    return deserialization()
        .handleError(context, new ConsumerRecord<>(SagaTopics.REQUESTS, 3, 42L, KEY, value), error)
        .deadLetterQueueRecords()
        .get(0);
  }

  @Test
  void shouldHintAtTheWireFormatForOtherSerializationErrors() {
    DeserializationExceptionHandler.Response response =
        deserialization()
            .handleError(contextFor(null), consumed(null), new SerializationException("bad key"));

    DeadLetter value = value(response.deadLetterQueueRecords().get(0));
    assertThat(value.getDetail())
        .isEqualTo(
            "Could not decode the record from saga.requests: bad key (is the producer using the"
                + " Confluent wire format and this topic's contract?)");
    assertThat(value.getSagaId()).isNull();
    assertThat(
            response.deadLetterQueueRecords().get(0).headers().lastHeader(SagaHeaders.CE_SUBJECT))
        .isNull();
  }

  @Test
  void shouldFailOnDeserializationErrorThatIsNotAboutTheBytes() {
    DeserializationExceptionHandler.Response response =
        deserialization()
            .handleError(contextFor(KEY), consumed(KEY), new IllegalStateException("bug"));

    assertThat(response.result()).isEqualTo(DeserializationExceptionHandler.Result.FAIL);
    assertThat(response.deadLetterQueueRecords()).isEmpty();
  }

  @Test
  void shouldExplainMisconfigurationWithoutDeadLetters() {
    assertThatThrownBy(() -> new DeadLetterHandlers.Deserialization().configure(Map.of()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "sagaflow.dead.letters must hold the application's DeadLetters instance; build the"
                + " Streams config with SagaStreamsConfig");
    assertThatThrownBy(
            () -> new DeadLetterHandlers.Processing().configure(Map.of(DeadLetters.CONFIG, "x")))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void shouldFailInsteadOfDeadLetteringWhenSchemaRegistryFails() {
    SchemaRegistryException outage =
        catchThrown(SchemaRegistryException.class, () -> registry.schemaById(404));

    ProcessingExceptionHandler handler = processing();
    Record<String, Object> record = new Record<>("s-1", "v", AT);

    // Directly, and wrapped as a sink's serializer wraps it
    for (Exception e :
        List.of(outage, new StreamsException(new SerializationException("sink", outage)))) {
      ProcessingExceptionHandler.Response response =
          handler.handleError(contextFor(KEY), record, e);
      assertThat(response.result()).isEqualTo(ProcessingExceptionHandler.Result.FAIL);
      assertThat(response.deadLetterQueueRecords()).isEmpty();
    }
    assertThat(counters.snapshot()).isEmpty();
  }

  @Test
  void shouldFailInsteadOfDeadLetteringWhenTheProducerAlreadyFailedToSend() {
    ProcessingExceptionHandler handler = processing();
    Record<String, Object> record = new Record<>("s-1", "v", AT);
    RecordTooLargeException refused = new RecordTooLargeException("too large for the changelog");

    // As StreamsProducer words it at the next send, and as RecordCollectorImpl words it
    for (Exception e :
        List.of(
            new StreamsException(
                "Error encountered trying to send record to topic inventory.commands",
                new KafkaException("Cannot execute transactional method", refused)),
            new StreamsException(
                "Error encountered sending record to topic app-saga-state-changelog", refused))) {
      ProcessingExceptionHandler.Response response =
          handler.handleError(contextFor(KEY), record, e);
      assertThat(response.result()).isEqualTo(ProcessingExceptionHandler.Result.FAIL);
      assertThat(response.deadLetterQueueRecords()).isEmpty();
    }
    assertThat(counters.snapshot()).isEmpty();

    // A StreamsException of another kind is still the input's: dead-lettered
    ProcessingExceptionHandler.Response other =
        handler.handleError(contextFor(KEY), record, new StreamsException("a processor bug"));
    assertThat(other.result()).isEqualTo(ProcessingExceptionHandler.Result.RESUME);
    assertThat(other.deadLetterQueueRecords()).hasSize(1);
  }

  @Test
  void shouldFailWhenPunctuationFailedOutsideAnyInput() {
    // Kafka Streams hands over no record when a punctuator threw
    ProcessingExceptionHandler.Response response =
        processing().handleError(contextFor(null), null, new IllegalStateException("store gone"));

    assertThat(response.result()).isEqualTo(ProcessingExceptionHandler.Result.FAIL);
    assertThat(response.deadLetterQueueRecords()).isEmpty();
  }

  @Test
  void shouldDeadLetterRejectedInputWithItsReason() {
    RejectedInputException rejected =
        new RejectedInputException(DeadLetterReason.AFTER_END, Optional.of("s-9"), "too late");

    ProcessingExceptionHandler.Response response =
        processing().handleError(contextFor(KEY), new Record<>("s-1", "v", AT), rejected);

    assertThat(response.result()).isEqualTo(ProcessingExceptionHandler.Result.RESUME);
    DeadLetter value = value(response.deadLetterQueueRecords().get(0));
    assertThat(value.getReason()).isEqualTo(DeadLetterReason.AFTER_END);
    assertThat(value.getSagaId()).isEqualTo("s-9");
    assertThat(value.getDetail()).isEqualTo("too late");
  }

  @Test
  void shouldDeadLetterUnexpectedFailureAsProcessingFailedWithStackTrace() {
    ProcessingExceptionHandler.Response response =
        processing()
            .handleError(
                contextFor(KEY),
                new Record<>("s-1", "v", AT),
                new ArithmeticException("divide by zero"));

    assertThat(response.result()).isEqualTo(ProcessingExceptionHandler.Result.RESUME);
    ProducerRecord<byte[], byte[]> letter = response.deadLetterQueueRecords().get(0);
    assertThat(header(letter, SagaHeaders.SAGA_DLQ_REASON)).isEqualTo("PROCESSING_FAILED");
    assertThat(header(letter, "__streams.errors.stacktrace")).contains("ArithmeticException");
    DeadLetter value = value(letter);
    assertThat(value.getSagaId()).isEqualTo("s-1");
    assertThat(value.getDetail())
        .startsWith("Processing failed with java.lang.ArithmeticException: divide by zero.");
    assertThat(DataCodec.toArray(value.getOriginalKey())).isEqualTo(KEY);
  }

  private static <E extends Exception> E catchThrown(Class<E> type, Runnable action) {
    try {
      action.run();
    } catch (RuntimeException e) {
      return type.cast(e);
    }
    throw new AssertionError("expected an exception");
  }

  @Test
  void shouldNotDeadLetterAgainAFailureOnARecordReadFromTheDeadLetterTopic() {
    // Given the dead-letter store failing on a record of saga.dlq itself
    Context fromDeadLetterTopic =
        new Context(
            SagaTopics.DLQ,
            0,
            7L,
            new RecordHeaders(),
            SagaTopology.DEAD_LETTER_RECORDER,
            new TaskId(1, 0),
            AT,
            KEY,
            VALUE);

    ProcessingExceptionHandler.Response response =
        processing()
            .handleError(
                fromDeadLetterTopic,
                new Record<>(KEY, VALUE, AT),
                new IllegalStateException("store broke"));

    // Then processing resumes without a new dead letter (it would loop), and it is counted
    assertThat(response.result()).isEqualTo(ProcessingExceptionHandler.Result.RESUME);
    assertThat(response.deadLetterQueueRecords()).isEmpty();
    assertThat(counters.get("dead-letter-store.failed")).isEqualTo(1);
  }
}
