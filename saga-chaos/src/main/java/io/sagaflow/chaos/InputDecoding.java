package io.sagaflow.chaos;

import io.sagaflow.contract.CancelSaga;
import io.sagaflow.contract.OperatorCommand;
import io.sagaflow.contract.SagaStateRecord;
import io.sagaflow.contract.StartSaga;
import io.sagaflow.contract.StepReply;
import io.sagaflow.engine.OperatorAction;
import io.sagaflow.engine.Outcome;
import io.sagaflow.engine.SagaDefinition;
import io.sagaflow.engine.SagaInput;
import io.sagaflow.engine.SagaRegistry;
import io.sagaflow.serde.AvroDeserializationException;
import io.sagaflow.serde.AvroDeserializer;
import io.sagaflow.serde.SagaHeaders;
import io.sagaflow.serde.SchemaRegistry;
import io.sagaflow.topology.DataCodec;
import io.sagaflow.topology.SagaClassLoader;
import io.sagaflow.topology.SagaTopics;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Turns committed records of saga.requests and saga.replies into the engine inputs the processor's
 * coordinator makes of them (saga-topology's {@code InputMapper}, which is not public), and decodes
 * the saga data of changelog records. A record the processor could not have turned into an input
 * (undecodable, an unknown saga type or outcome, a command id that is no UUID) is one it
 * dead-lettered, so it decodes to nothing here: it changed no saga.
 */
final class InputDecoding {
  private final SagaRegistry registry;
  private final AvroDeserializer<SpecificRecord> requests;
  private final AvroDeserializer<StepReply> replies;
  private final DataCodec data;

  InputDecoding(SchemaRegistry schemas, SagaRegistry registry) {
    ClassLoader classes = SagaClassLoader.of(registry);
    this.registry = registry;
    this.requests = SagaTopics.REQUEST_RECORDS.deserializer(schemas, classes);
    this.replies = SagaTopics.REPLY_RECORDS.deserializer(schemas, classes);
    this.data = new DataCodec(schemas, false, classes);
  }

  /** The input {@code record} of saga {@code sagaId} is to the coordinator, if any. */
  Optional<InputRecord> decode(String sagaId, ConsumerRecord<byte[], byte[]> record) {
    if (record.value() == null) {
      return Optional.empty();
    }
    try {
      Optional<SagaInput> input =
          record.topic().equals(SagaTopics.REPLIES)
              ? reply(replies.deserialize(record.topic(), record.value()))
              : request(sagaId, record);
      return input.map(
          i ->
              new InputRecord(
                  record.topic(),
                  record.partition(),
                  record.offset(),
                  Instant.ofEpochMilli(record.timestamp()),
                  i));
    } catch (AvroDeserializationException | IllegalArgumentException e) {
      // The processor dead-lettered it the same way (DESERIALIZATION_ or VALIDATION_FAILED).
      return Optional.empty();
    }
  }

  /** The saga data of {@code record}, decoded as its definition's data type. */
  Optional<Object> data(SagaStateRecord record) {
    Optional<SagaDefinition<?>> definition =
        registry.find(record.getSagaType(), record.getDefinitionVersion());
    if (definition.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          data.decode(DataCodec.toArray(record.getData()), definition.get().dataType()));
    } catch (AvroDeserializationException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private Optional<SagaInput> request(String sagaId, ConsumerRecord<byte[], byte[]> record) {
    SpecificRecord value = requests.deserialize(record.topic(), record.value());
    if (value instanceof StartSaga start) {
      Optional<SagaDefinition<?>> definition =
          start.getDefinitionVersion() == null
              ? registry.latest(start.getSagaType())
              : registry.find(start.getSagaType(), start.getDefinitionVersion());
      if (definition.isEmpty()) {
        return Optional.empty();
      }
      Object sagaData =
          data.decode(DataCodec.toArray(start.getData()), definition.get().dataType());
      return Optional.of(
          new SagaInput.Start<>(
              sagaId,
              start.getSagaType(),
              Optional.ofNullable(start.getDefinitionVersion()),
              sagaData,
              header(record, SagaHeaders.TRACEPARENT)));
    } else if (value instanceof CancelSaga cancel) {
      return Optional.of(new SagaInput.Cancel(cancel.getReason()));
    } else if (value instanceof OperatorCommand command) {
      return operator(command);
    }
    return Optional.empty();
  }

  private static Optional<SagaInput> operator(OperatorCommand command) {
    OperatorAction action =
        switch (command.getAction()) {
          case RETRY_STEP -> OperatorAction.RETRY_STEP;
          case SKIP_STEP -> OperatorAction.SKIP_STEP;
          case FORCE_COMPENSATION -> OperatorAction.FORCE_COMPENSATION;
          case UNKNOWN -> null;
        };
    return Optional.ofNullable(action)
        .map(
            a ->
                new SagaInput.OperatorCommand(
                    a,
                    Optional.ofNullable(command.getStep()),
                    "by " + command.getOperator() + ": " + command.getReason()));
  }

  private Optional<SagaInput> reply(StepReply reply) {
    UUID commandId = UUID.fromString(reply.getCommandId());
    Outcome outcome =
        switch (reply.getOutcome()) {
          case SUCCEEDED ->
              new Outcome.Succeeded(
                  Optional.ofNullable(reply.getStepResult())
                      .map(b -> data.decodeAny(DataCodec.toArray(b))));
          case BUSINESS_FAILURE ->
              new Outcome.BusinessFailure(
                  orEmpty(reply.getErrorCode()), orEmpty(reply.getErrorMessage()));
          case RETRIABLE_FAILURE ->
              new Outcome.RetriableFailure(
                  orEmpty(reply.getErrorCode()), orEmpty(reply.getErrorMessage()));
          case UNKNOWN -> null;
        };
    return Optional.ofNullable(outcome)
        .map(o -> new SagaInput.StepReply(reply.getStep(), reply.getAttempt(), commandId, o));
  }

  private static Optional<String> header(ConsumerRecord<byte[], byte[]> record, String name) {
    Header header = record.headers().lastHeader(name);
    if (header == null || header.value() == null || header.value().length == 0) {
      return Optional.empty();
    }
    return Optional.of(new String(header.value(), StandardCharsets.UTF_8));
  }

  private static String orEmpty(String value) {
    return value == null ? "" : value;
  }
}
