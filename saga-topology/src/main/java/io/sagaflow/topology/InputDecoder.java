package io.sagaflow.topology;

import io.sagaflow.contract.DeadLetterReason;
import io.sagaflow.serde.AvroDeserializationException;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Decodes input values inside the topology rather than in the source node. A record that cannot be
 * decoded is rejected as {@link DeadLetterReason#DESERIALIZATION_FAILED} through the processing
 * exception handler, the same dead-letter path every other rejected input takes, so it is also
 * covered by TopologyTestDriver replays (which do not emit the source node's dead letters).
 *
 * <p>Only bytes that are themselves bad are dead-lettered. A schema registry that cannot be reached
 * raises a different exception, which stops the task instead: otherwise an outage would empty every
 * input topic into the dead-letter topic.
 */
final class InputDecoder implements Processor<String, byte[], String, Object> {
  private final Deserializer<?> deserializer;
  private final List<Class<?>> accepted;
  private final String child;
  private ProcessorContext<String, Object> context;

  /** Decodes with {@code deserializer} and forwards only records of the {@code accepted} types. */
  InputDecoder(Deserializer<?> deserializer, List<? extends Class<?>> accepted, String child) {
    this.deserializer = deserializer;
    this.accepted = List.copyOf(accepted);
    this.child = child;
  }

  @Override
  public void init(ProcessorContext<String, Object> context) {
    this.context = context;
  }

  @Override
  public void process(Record<String, byte[]> record) {
    String topic = context.recordMetadata().map(m -> m.topic()).orElse("unknown topic");
    Object value;
    try {
      value = deserializer.deserialize(topic, record.headers(), record.value());
    } catch (AvroDeserializationException e) {
      throw new RejectedInputException(
          DeadLetterReason.DESERIALIZATION_FAILED,
          Optional.ofNullable(record.key()),
          withoutFinalPeriod(e.getMessage())
              + ". Produce with a schema-registry Avro serializer and this topic's contract"
              + " (see schemas/asyncapi.yaml).");
    }
    if (value == null) {
      throw new RejectedInputException(
          DeadLetterReason.VALIDATION_FAILED,
          Optional.ofNullable(record.key()),
          "Empty value (a tombstone) on " + topic + "; saga inputs are never deleted by key");
    }
    Object decoded = value;
    if (accepted.stream().noneMatch(type -> type.isInstance(decoded))) {
      throw new RejectedInputException(
          DeadLetterReason.VALIDATION_FAILED,
          Optional.ofNullable(record.key()),
          topic
              + " takes "
              + accepted.stream().map(Class::getSimpleName).toList()
              + " records, not "
              + value.getClass().getSimpleName());
    }
    context.forward(record.withValue(value), child);
  }

  private static String withoutFinalPeriod(String message) {
    return message != null && message.endsWith(".")
        ? message.substring(0, message.length() - 1)
        : String.valueOf(message);
  }
}
