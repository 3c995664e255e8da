package io.sagaflow.chaos;

import io.sagaflow.contract.CancelSaga;
import io.sagaflow.contract.OperatorCommand;
import io.sagaflow.contract.SagaStateRecord;
import io.sagaflow.contract.StartSaga;
import io.sagaflow.contract.StepReply;
import io.sagaflow.engine.RolloutAssignment;
import io.sagaflow.engine.SagaDefinition;
import io.sagaflow.engine.SagaInput;
import io.sagaflow.engine.SagaRegistry;
import io.sagaflow.serde.AvroDeserializationException;
import io.sagaflow.serde.AvroDeserializer;
import io.sagaflow.serde.SchemaRegistry;
import io.sagaflow.topology.DataCodec;
import io.sagaflow.topology.InputMapper;
import io.sagaflow.topology.RejectedInputException;
import io.sagaflow.topology.SagaClassLoader;
import io.sagaflow.topology.SagaTopics;
import java.time.Instant;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Turns committed records of saga.requests and saga.replies into the engine inputs the processor's
 * coordinator makes of them (with the coordinator's own {@link InputMapper}), and decodes the saga
 * data of changelog records. A record the processor could not have turned into an input
 * (undecodable, an unknown saga type or outcome, a command id that is no UUID) is one it
 * dead-lettered, so it decodes to nothing here: it changed no saga.
 */
final class InputDecoding {
  private final SagaRegistry registry;
  private final AvroDeserializer<SpecificRecord> requests;
  private final AvroDeserializer<StepReply> replies;
  private final DataCodec data;
  private final InputMapper inputs;

  InputDecoding(SchemaRegistry schemas, SagaRegistry registry) {
    ClassLoader classes = SagaClassLoader.of(registry);
    this.registry = registry;
    this.requests = SagaTopics.REQUEST_RECORDS.deserializer(schemas, classes);
    this.replies = SagaTopics.REPLY_RECORDS.deserializer(schemas, classes);
    this.data = new DataCodec(schemas, false, classes);
    this.inputs = new InputMapper(data);
  }

  /**
   * The input {@code record} of saga {@code sagaId} is to the coordinator, if any; a start that
   * names no version is placed by {@code placement} (from the saga's SAGA_STARTED event) on the
   * version the rollout gave it, as the coordinator placed it.
   */
  Optional<InputRecord> decode(
      String sagaId, ConsumerRecord<byte[], byte[]> record, Optional<RolloutAssignment> placement) {
    if (record.value() == null) {
      return Optional.empty();
    }
    try {
      Optional<SagaInput> input =
          record.topic().equals(SagaTopics.REPLIES)
              ? Optional.of(
                  inputs.reply(sagaId, replies.deserialize(record.topic(), record.value())))
              : request(sagaId, record, placement);
      return input.map(
          i ->
              new InputRecord(
                  record.topic(),
                  record.partition(),
                  record.offset(),
                  Instant.ofEpochMilli(record.timestamp()),
                  i));
    } catch (AvroDeserializationException | RejectedInputException e) {
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

  private Optional<SagaInput> request(
      String sagaId, ConsumerRecord<byte[], byte[]> record, Optional<RolloutAssignment> placement) {
    SpecificRecord value = requests.deserialize(record.topic(), record.value());
    if (value instanceof StartSaga start) {
      if (start.getDefinitionVersion() == null && placement.isPresent()) {
        return registry
            .find(start.getSagaType(), placement.get().version())
            .map(d -> inputs.start(sagaId, start, d.dataType(), record.headers(), placement));
      }
      Optional<SagaDefinition<?>> definition =
          start.getDefinitionVersion() == null
              ? registry.latest(start.getSagaType())
              : registry.find(start.getSagaType(), start.getDefinitionVersion());
      return definition.map(d -> inputs.start(sagaId, start, d.dataType(), record.headers()));
    } else if (value instanceof CancelSaga cancel) {
      return Optional.of(inputs.cancel(cancel));
    } else if (value instanceof OperatorCommand command) {
      return Optional.of(inputs.operator(sagaId, command));
    }
    return Optional.empty();
  }
}
