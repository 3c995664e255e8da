package io.sagaflow.serde;

import java.util.OptionalInt;
import org.apache.kafka.common.errors.SerializationException;

/**
 * A record's bytes could not be turned into a value: not in the Confluent wire format, an unknown
 * schema id, or Avro that does not match its writer schema. Being a Kafka {@link
 * SerializationException}, it reaches the Streams deserialization handler, which routes the record
 * to the DLQ as {@code DESERIALIZATION_FAILED}.
 */
public final class AvroDeserializationException extends SerializationException {

  private static final long serialVersionUID = 1L;

  private final String topic;
  private final int schemaId;

  AvroDeserializationException(String topic, int schemaId, String message, Throwable cause) {
    super(
        "Cannot deserialize a record from topic '"
            + topic
            + "'"
            + (schemaId < 0 ? "" : " written with schema id " + schemaId)
            + ": "
            + message,
        cause);
    this.topic = topic;
    this.schemaId = schemaId;
  }

  public String topic() {
    return topic;
  }

  /** Schema id from the record's header, or empty when the header itself was unreadable. */
  public OptionalInt schemaId() {
    return schemaId < 0 ? OptionalInt.empty() : OptionalInt.of(schemaId);
  }
}
