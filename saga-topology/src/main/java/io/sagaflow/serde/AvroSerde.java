package io.sagaflow.serde;

import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Serializer and deserializer of one value type, for Kafka Streams' {@code Consumed}/{@code
 * Produced}. Factories read like the topic they serve: {@code AvroSerde.specific(StepReply.class,
 * registry, AvroSerdeConfig.topicName())}, {@code AvroSerde.anySpecific(registry,
 * AvroSerdeConfig.recordName())}.
 */
public final class AvroSerde<T> implements Serde<T> {

  private final Serializer<T> serializer;
  private final Deserializer<T> deserializer;

  private AvroSerde(Serializer<T> serializer, Deserializer<T> deserializer) {
    this.serializer = serializer;
    this.deserializer = deserializer;
  }

  /** A serde for one generated record type. */
  public static <T extends SpecificRecord> AvroSerde<T> specific(
      Class<T> type, SchemaRegistry registry, AvroSerdeConfig config) {
    return new AvroSerde<>(
        new AvroSerializer<>(registry, config), AvroDeserializer.specific(type, registry));
  }

  /** A serde for a topic that carries several generated record types. */
  public static AvroSerde<SpecificRecord> anySpecific(
      SchemaRegistry registry, AvroSerdeConfig config) {
    return new AvroSerde<>(
        new AvroSerializer<>(registry, config), AvroDeserializer.anySpecific(registry));
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    // Built with its registry and settings; Kafka's configs carry nothing it needs.
  }

  @Override
  public Serializer<T> serializer() {
    return serializer;
  }

  @Override
  public Deserializer<T> deserializer() {
    return deserializer;
  }
}
