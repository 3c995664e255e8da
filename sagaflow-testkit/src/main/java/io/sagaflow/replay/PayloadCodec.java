package io.sagaflow.replay;

import com.fasterxml.jackson.databind.JsonNode;
import io.sagaflow.serde.AvroDeserializationException;
import io.sagaflow.serde.AvroDeserializer;
import io.sagaflow.serde.AvroSerializer;
import io.sagaflow.serde.SchemaRegistry;
import io.sagaflow.topology.SagaTopics;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;

/**
 * Turns record bytes into {@link Payload}s and back through one schema registry. Reading, bytes
 * that decode as a Confluent wire-format record of a generated class become {@link Payload.Avro}
 * (nested framed payloads too); bytes that do not are kept as {@link Payload.Raw}, exactly. Writing
 * frames records with this registry's ids, so two payloads written through the same registry are
 * byte-comparable whatever registry the fixture was recorded from.
 */
public final class PayloadCodec {
  // Topic names only feed the subject strategy and error messages; the record-name strategy
  // ignores them, and the in-memory registry gives one id per schema whatever the subject.
  private static final String TOPIC = "sagaflow.fixture";

  private final AvroDeserializer<SpecificRecord> deserializer;
  private final AvroSerializer<SpecificRecord> serializer;
  private final AvroJson json;
  private final ClassLoader classes;

  /**
   * A codec over {@code registry} for records of Sagaflow's own class path; writing registers
   * schemas, so use a replay registry.
   */
  public PayloadCodec(SchemaRegistry registry) {
    this(registry, PayloadCodec.class.getClassLoader());
  }

  /**
   * A codec over {@code registry} that finds generated classes through {@code classes}: for sagas
   * loaded as plugins, {@link io.sagaflow.topology.SagaClassLoader#of} of their registry.
   */
  public PayloadCodec(SchemaRegistry registry, ClassLoader classes) {
    this.classes = classes;
    this.deserializer = SagaTopics.NESTED_RECORDS.deserializer(registry, classes);
    this.serializer = SagaTopics.NESTED_RECORDS.serializer(registry, true);
    this.json =
        new AvroJson(
            new AvroJson.NestedBytes() {
              @Override
              public JsonNode show(byte[] bytes, boolean redact) {
                return PayloadJson.toJson(decode(bytes, redact));
              }

              @Override
              public byte[] read(JsonNode node, String pointer) {
                return encode(PayloadJson.fromJson(node, pointer), pointer)
                    .orElseThrow(
                        () -> new FixtureFormatException(pointer, "null is not allowed here"));
              }
            },
            classes);
  }

  /**
   * The payload of {@code bytes} ({@code null} is a tombstone). With {@code redact}, text fields
   * the schemas tag as personal or secret are masked, nested records included.
   */
  public Payload decode(byte[] bytes, boolean redact) {
    if (bytes == null) {
      return new Payload.Tombstone();
    }
    SpecificRecord record;
    try {
      record = deserializer.deserialize(TOPIC, bytes);
    } catch (AvroDeserializationException e) {
      // Not a record this JVM can read (poison, plain text): the fixture keeps the exact bytes.
      return new Payload.Raw(bytes);
    }
    return new Payload.Avro(record.getClass().getName(), json.toJson(record, redact));
  }

  /**
   * The bytes of {@code payload}, empty for a tombstone.
   *
   * @param pointer where the payload is in the fixture, for error messages
   * @throws FixtureFormatException if the payload does not fit its type
   */
  public Optional<byte[]> encode(Payload payload, String pointer) {
    if (payload instanceof Payload.Raw raw) {
      return Optional.of(raw.bytes());
    }
    if (payload instanceof Payload.Avro avro) {
      return Optional.of(serializer.serialize(TOPIC, record(avro, pointer)));
    }
    return Optional.empty();
  }

  /** The payload of {@code record}, as a fixture holds it. */
  public Payload of(SpecificRecord record) {
    return decode(frame(record), false);
  }

  /** {@code record} framed through this codec's registry, for nested payloads in scripts. */
  public byte[] frame(SpecificRecord record) {
    return serializer.serialize(TOPIC, record);
  }

  /** The generated record an Avro payload describes. */
  SpecificRecord record(Payload.Avro avro, String pointer) {
    return json.fromJson(recordClass(avro.type(), pointer), avro.value(), pointer + "/value");
  }

  private Class<? extends SpecificRecord> recordClass(String name, String pointer) {
    Class<?> type;
    try {
      type = Class.forName(name, false, classes);
    } catch (ClassNotFoundException e) {
      throw new FixtureFormatException(
          pointer + "/avro",
          "no generated Avro class '"
              + name
              + "' on the class path or in a loaded saga module; is the schemas module current,"
              + " and is the saga's module on the class path or the plugin path?");
    }
    if (!SpecificRecord.class.isAssignableFrom(type)) {
      throw new FixtureFormatException(
          pointer + "/avro", "'" + name + "' is not a generated Avro record class");
    }
    return type.asSubclass(SpecificRecord.class);
  }
}
