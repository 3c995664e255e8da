package io.sagaflow.topology;

import io.sagaflow.serde.AvroDeserializer;
import io.sagaflow.serde.AvroSerdeConfig;
import io.sagaflow.serde.AvroSerializer;
import io.sagaflow.serde.SchemaRegistry;
import io.sagaflow.serde.SubjectNameStrategy;
import java.util.Objects;
import java.util.function.BiFunction;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * A topic together with the type of its values and the subject strategy its schemas live under, and
 * the only way Sagaflow builds serializers for its records; the catalogue is {@link SagaTopics}.
 *
 * <p>The rule it encodes, as {@code schemas/asyncapi.yaml} documents it: a topic carrying one
 * record type registers under topic-name subjects ({@code <topic>-value}); a topic carrying several
 * registers each type under its record name. Readers never depend on the subject, since the schema
 * id travels in every record.
 *
 * @param <T> the value type; {@link SpecificRecord} for a topic of several types
 */
public final class SagaTopic<T extends SpecificRecord> {
  private final String name;
  private final Class<T> valueType;
  private final SubjectNameStrategy subjects;
  private final BiFunction<SchemaRegistry, ClassLoader, AvroDeserializer<T>> reader;

  private SagaTopic(
      String name,
      Class<T> valueType,
      SubjectNameStrategy subjects,
      BiFunction<SchemaRegistry, ClassLoader, AvroDeserializer<T>> reader) {
    this.name = Objects.requireNonNull(name, "name");
    this.valueType = valueType;
    this.subjects = subjects;
    this.reader = reader;
  }

  /** A topic whose values are all {@code type}: topic-name subjects. */
  public static <T extends SpecificRecord> SagaTopic<T> oneType(String name, Class<T> type) {
    return new SagaTopic<>(
        name,
        type,
        SubjectNameStrategy.TOPIC_NAME,
        // The type itself says which loader holds its nested records.
        (r, classes) -> AvroDeserializer.specific(type, r));
  }

  /** A topic carrying several record types: record-name subjects. */
  public static SagaTopic<SpecificRecord> severalTypes(String name) {
    return new SagaTopic<>(
        name,
        SpecificRecord.class,
        SubjectNameStrategy.RECORD_NAME,
        (r, classes) ->
            classes == SagaTopic.class.getClassLoader()
                ? AvroDeserializer.anySpecific(r)
                : AvroDeserializer.anySpecific(r, classes));
  }

  /**
   * The topic's name. Serializers take the topic at each call, so a value type can also travel
   * under another name (a configured dead-letter topic, a store's changelog).
   */
  public String name() {
    return name;
  }

  /** The generated class of the values; {@link SpecificRecord} when there are several. */
  public Class<T> valueType() {
    return valueType;
  }

  /** Where the schemas of this topic's values are registered. */
  public SubjectNameStrategy subjects() {
    return subjects;
  }

  /**
   * A serializer for this topic's values.
   *
   * @param autoRegister register unknown schemas on first write (tests, the embedded default); off
   *     in production, where the release registers them
   */
  public AvroSerializer<T> serializer(SchemaRegistry registry, boolean autoRegister) {
    return new AvroSerializer<>(registry, new AvroSerdeConfig(subjects, autoRegister));
  }

  /** A deserializer reading this topic's values into their generated classes. */
  public AvroDeserializer<T> deserializer(SchemaRegistry registry) {
    return reader.apply(registry, SagaTopic.class.getClassLoader());
  }

  /**
   * A deserializer that finds the generated classes through {@code classes}: saga modules loaded as
   * plugins keep their records in class loaders of their own ({@link SagaClassLoader}).
   */
  public AvroDeserializer<T> deserializer(SchemaRegistry registry, ClassLoader classes) {
    return reader.apply(registry, classes);
  }

  /** Both, for a state store or Kafka Streams' {@code Consumed}/{@code Produced}. */
  public Serde<T> serde(SchemaRegistry registry, boolean autoRegister) {
    return Serdes.serdeFrom(serializer(registry, autoRegister), deserializer(registry));
  }

  @Override
  public String toString() {
    return name + " (" + valueType.getSimpleName() + ", " + subjects + " subjects)";
  }
}
