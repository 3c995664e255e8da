package io.sagaflow.topology;

import io.sagaflow.serde.AvroDeserializer;
import io.sagaflow.serde.AvroSerdeConfig;
import io.sagaflow.serde.AvroSerializer;
import io.sagaflow.serde.InMemorySchemaRegistry;
import io.sagaflow.serde.SubjectNameStrategy;
import java.nio.ByteBuffer;
import java.util.HashMap;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * A record of a generated class with every field at its default, or else empty, zero or null: what
 * a definition's command factories are called on to learn which command types they build ({@link
 * SchemaSubjects}). Built generically and decoded into the class through the serdes, so logical
 * types (decimals, timestamps, UUIDs) get the values their conversions expect.
 */
final class SampleData {
  private static final String SAMPLE = "sagaflow.sample";
  private static final String ZERO_UUID = "00000000-0000-0000-0000-000000000000";

  private SampleData() {}

  /**
   * A sample of {@code type}, a generated record class.
   *
   * @throws org.apache.kafka.common.errors.SerializationException if the class cannot be written or
   *     read (a schema whose defaults do not fit it)
   */
  static <D> D of(Class<D> type) {
    Schema schema = SpecificData.get().getSchema(type);
    InMemorySchemaRegistry scratch = new InMemorySchemaRegistry();
    byte[] bytes =
        new AvroSerializer<GenericRecord>(
                scratch, new AvroSerdeConfig(SubjectNameStrategy.RECORD_NAME, true))
            .serialize(SAMPLE, (GenericRecord) value(schema));
    Object decoded =
        AvroDeserializer.specific(type.asSubclass(SpecificRecord.class), scratch)
            .deserialize(SAMPLE, bytes);
    return type.cast(decoded);
  }

  /** A value of {@code schema}: its default, or else empty, zero or null. */
  static Object value(Schema schema) {
    return switch (schema.getType()) {
      case RECORD -> {
        GenericData.Record record = new GenericData.Record(schema);
        for (Schema.Field field : schema.getFields()) {
          record.put(
              field.pos(),
              field.hasDefaultValue()
                  ? GenericData.get().getDefaultValue(field)
                  : value(field.schema()));
        }
        yield record;
      }
      case UNION ->
          schema.getTypes().stream().anyMatch(t -> t.getType() == Schema.Type.NULL)
              ? null
              : value(schema.getTypes().get(0));
      case STRING ->
          schema.getLogicalType() != null && schema.getLogicalType().getName().equals("uuid")
              ? ZERO_UUID
              : "";
      // A decimal's bytes are a two's-complement integer; it needs at least one byte.
      case BYTES ->
          ByteBuffer.wrap(
              schema.getLogicalType() instanceof LogicalTypes.Decimal ? new byte[1] : new byte[0]);
      case FIXED -> new GenericData.Fixed(schema, new byte[schema.getFixedSize()]);
      case ENUM ->
          new GenericData.EnumSymbol(
              schema,
              schema.getEnumDefault() != null
                  ? schema.getEnumDefault()
                  : schema.getEnumSymbols().get(0));
      case ARRAY -> new GenericData.Array<>(0, schema);
      case MAP -> new HashMap<String, Object>();
      case INT -> 0;
      case LONG -> 0L;
      case FLOAT -> 0.0f;
      case DOUBLE -> 0.0d;
      case BOOLEAN -> false;
      case NULL -> null;
    };
  }
}
