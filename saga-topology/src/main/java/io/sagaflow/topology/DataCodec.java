package io.sagaflow.topology;

import io.sagaflow.serde.AvroDeserializer;
import io.sagaflow.serde.AvroSerializer;
import io.sagaflow.serde.SchemaRegistry;
import org.apache.avro.specific.SpecificRecord;

/**
 * Turns the Avro records nested in other records (saga data inside start requests and stored state,
 * step results inside replies) into Confluent wire-format bytes and back, as {@link
 * SagaTopics#NESTED_RECORDS} says.
 */
public final class DataCodec {
  private static final String NESTED = SagaTopics.NESTED_RECORDS.name();

  private final AvroSerializer<SpecificRecord> serializer;
  private final AvroDeserializer<SpecificRecord> deserializer;

  /** A codec over {@code registry}; {@code autoRegister} registers unseen schemas on write. */
  public DataCodec(SchemaRegistry registry, boolean autoRegister) {
    this(registry, autoRegister, DataCodec.class.getClassLoader());
  }

  /**
   * A codec that finds generated classes through {@code classes}, the loader that sees every saga
   * module's records (plugins live in class loaders of their own).
   */
  public DataCodec(SchemaRegistry registry, boolean autoRegister, ClassLoader classes) {
    this.serializer = SagaTopics.NESTED_RECORDS.serializer(registry, autoRegister);
    this.deserializer = SagaTopics.NESTED_RECORDS.deserializer(registry, classes);
  }

  /** The wire-format bytes of {@code record}. */
  public byte[] encode(Object record) {
    if (!(record instanceof SpecificRecord specific)) {
      throw new IllegalArgumentException(
          "Saga data, commands and results must be Avro generated classes, got "
              + record.getClass().getName());
    }
    return serializer.serialize(NESTED, specific);
  }

  /**
   * Decodes wire-format bytes into the generated class named by the writer schema, checked against
   * {@code expected}.
   *
   * @throws IllegalArgumentException if the record is of another type than expected
   */
  public <T> T decode(byte[] bytes, Class<T> expected) {
    SpecificRecord record = deserializer.deserialize(NESTED, bytes);
    if (!expected.isInstance(record)) {
      throw new IllegalArgumentException(
          "Expected a "
              + expected.getName()
              + " but the payload holds a "
              + record.getSchema().getFullName());
    }
    return expected.cast(record);
  }

  /** Decodes wire-format bytes into whatever generated class the writer schema names. */
  public Object decodeAny(byte[] bytes) {
    return deserializer.deserialize(NESTED, bytes);
  }

  /**
   * The readable bytes of {@code buffer}, without moving its position, for reading only: the
   * buffer's own array when it holds exactly those bytes (as a decoded record's bytes field does),
   * else a copy. The saga data is decoded from the stored state on every input, and the copy was
   * most of what that cost beyond the decoding.
   */
  public static byte[] toArray(java.nio.ByteBuffer buffer) {
    if (buffer.hasArray()
        && buffer.arrayOffset() == 0
        && buffer.position() == 0
        && buffer.remaining() == buffer.array().length) {
      return buffer.array();
    }
    java.nio.ByteBuffer copy = buffer.duplicate();
    byte[] out = new byte[copy.remaining()];
    copy.get(out);
    return out;
  }
}
