package io.sagaflow.topology;

import io.sagaflow.contract.DeadLetterReason;
import io.sagaflow.serde.AvroDeserializationException;
import io.sagaflow.serde.SchemaRegistryException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka Streams exception handlers (KIP-1034) that send the failing input to the dead-letter topic
 * and let processing go on. Both are instantiated by Kafka Streams from their class names and find
 * the shared {@link DeadLetters} in their config.
 */
public final class DeadLetterHandlers {
  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterHandlers.class);

  private DeadLetterHandlers() {}

  static DeadLetters from(Map<String, ?> configs) {
    Object value = configs.get(DeadLetters.CONFIG);
    if (!(value instanceof DeadLetters letters)) {
      throw new IllegalStateException(
          DeadLetters.CONFIG
              + " must hold the application's DeadLetters instance; build the Streams config"
              + " with SagaStreamsConfig");
    }
    return letters;
  }

  /**
   * Whether {@code failure} is, or was caused by, the schema registry failing. Serializers in sink
   * nodes reach the handler wrapped in a {@link org.apache.kafka.streams.errors.StreamsException},
   * so the cause chain is searched, not just the exception itself.
   */
  /**
   * True when {@code failure} is Kafka Streams reporting that its producer failed to send: an
   * earlier record of the transaction was refused (too large, a broker error), and the producer is
   * in an error state until the task restarts. The input is not at fault, and a dead letter could
   * not be sent either. Kafka Streams words these two ways, depending on where the failure shows.
   */
  static boolean isSendFailure(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof StreamsException
          && t.getMessage() != null
          && (t.getMessage().startsWith("Error encountered trying to send record")
              || t.getMessage().startsWith("Error encountered sending record"))) {
        return true;
      }
    }
    return false;
  }

  static boolean isRegistryFailure(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SchemaRegistryException) {
        return true;
      }
    }
    return false;
  }

  /** A record that cannot be decoded: dead-lettered as DESERIALIZATION_FAILED. */
  public static final class Deserialization implements DeserializationExceptionHandler {
    private DeadLetters letters;

    @Override
    public void configure(Map<String, ?> configs) {
      letters = from(configs);
    }

    @Override
    @SuppressWarnings("try") // the context is the MDC of the lines logged here
    public DeserializationExceptionHandler.Response handleError(
        ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
      try (SagaLogContext log =
          SagaLogContext.fromHeaders(
              context.headers(),
              record.key() == null
                  ? null
                  : new String(record.key(), java.nio.charset.StandardCharsets.UTF_8))) {
        return deadLetter(context, record, exception);
      }
    }

    private DeserializationExceptionHandler.Response deadLetter(
        ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
      if (!(exception instanceof org.apache.kafka.common.errors.SerializationException)) {
        return DeserializationExceptionHandler.Response.fail();
      }
      String detail =
          "Could not decode the record from "
              + context.topic()
              + ": "
              + exception.getMessage()
              + (exception instanceof AvroDeserializationException
                  ? ""
                  : " (is the producer using the Confluent wire format and this topic's contract?)");
      LOG.warn(
          "Dead-lettering undecodable record {}-{}@{}: {}",
          context.topic(),
          context.partition(),
          context.offset(),
          exception.getMessage());
      Optional<String> sagaId =
          Optional.ofNullable(record.key())
              .map(k -> new String(k, java.nio.charset.StandardCharsets.UTF_8));
      return DeserializationExceptionHandler.Response.resume(
          List.of(
              letters.fromHandler(
                  context,
                  record.key(),
                  record.value(),
                  exception,
                  DeadLetterReason.DESERIALIZATION_FAILED,
                  sagaId,
                  detail)));
    }
  }

  /**
   * An input the coordinator rejected ({@link RejectedInputException}, with its reason) or one
   * whose processing threw (PROCESSING_FAILED). The coordinator writes nothing before it decides,
   * so resuming leaves no half-applied saga behind.
   */
  public static final class Processing implements ProcessingExceptionHandler {
    private DeadLetters letters;

    @Override
    public void configure(Map<String, ?> configs) {
      letters = from(configs);
    }

    @Override
    @SuppressWarnings("try") // the context is the MDC of the lines logged here
    public ProcessingExceptionHandler.Response handleError(
        ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
      try (SagaLogContext log =
          SagaLogContext.fromHeaders(
              context.headers(),
              record == null || record.key() == null ? null : record.key().toString())) {
        return deadLetter(context, record, exception);
      }
    }

    private ProcessingExceptionHandler.Response deadLetter(
        ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
      if (isRegistryFailure(exception)) {
        // The registry is down or refuses us: every input would fail the same way. Stop the task
        // (the app replaces the thread and retries) instead of dead-lettering the whole topic.
        LOG.error(
            "Schema registry failure on {}-{}@{}; not dead-lettering, stopping the task",
            context.topic(),
            context.partition(),
            context.offset(),
            exception);
        return ProcessingExceptionHandler.Response.fail();
      }
      if (isSendFailure(exception)) {
        // The producer already failed on an earlier record and refuses everything after it, the
        // dead letter included: the transaction aborts, the thread is replaced, and this input is
        // read again. Dead-lettering it would blame the input and fail anyway.
        LOG.debug(
            "Send failure while processing {}-{}@{}; not dead-lettering, stopping the task",
            context.topic(),
            context.partition(),
            context.offset(),
            exception);
        return ProcessingExceptionHandler.Response.fail();
      }
      if (record == null) {
        // Kafka Streams passes no record when a punctuation failed. The coordinator dead-letters
        // failing timers itself, so what arrives here failed outside any input: there is nothing
        // to dead-letter, and resuming would hide it.
        LOG.error(
            "Punctuation of {} failed outside any input; stopping the task",
            context.processorNodeId(),
            exception);
        return ProcessingExceptionHandler.Response.fail();
      }
      if (letters.topic().equals(context.topic())) {
        // The record is a dead letter already (the dead-letter store failed on it): writing it to
        // the dead-letter topic again would feed it back here forever. It stays in the topic.
        LOG.error(
            "Recording dead letter {}-{}@{} failed; it stays in the topic, not re-dead-lettered",
            context.topic(),
            context.partition(),
            context.offset(),
            exception);
        letters.countUnrecorded();
        return ProcessingExceptionHandler.Response.resume(List.of());
      }
      DeadLetterReason reason;
      Optional<String> sagaId;
      String detail;
      if (exception instanceof RejectedInputException rejected) {
        reason = rejected.reason();
        sagaId = rejected.sagaId();
        detail = rejected.getMessage();
      } else {
        reason = DeadLetterReason.PROCESSING_FAILED;
        sagaId = Optional.ofNullable(record.key()).map(Object::toString);
        detail =
            "Processing failed with "
                + exception.getClass().getName()
                + ": "
                + exception.getMessage()
                + ". This is a bug or a saga definition that throws; the stack trace is in the"
                + " __streams.errors.stacktrace header.";
        LOG.error(
            "Dead-lettering input {}-{}@{} after an unexpected failure",
            context.topic(),
            context.partition(),
            context.offset(),
            exception);
      }
      return ProcessingExceptionHandler.Response.resume(
          List.of(
              letters.fromHandler(
                  context,
                  context.sourceRawKey(),
                  context.sourceRawValue(),
                  exception,
                  reason,
                  sagaId,
                  detail)));
    }
  }
}
