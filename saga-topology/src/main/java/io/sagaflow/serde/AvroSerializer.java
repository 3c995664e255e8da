package io.sagaflow.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes Avro records (generated or generic) in the Confluent wire format, resolving the schema id
 * under the configured subject strategy. Without auto-registration a schema the registry does not
 * know fails the write: deploy the schema first.
 */
public final class AvroSerializer<T extends GenericContainer> implements Serializer<T> {

  private final Map<Schema, DatumWriter<Object>> writers = new ConcurrentHashMap<>();
  private SchemaRegistry registry;
  private AvroSerdeConfig config;
  private boolean isKey;

  /** For instantiation by Kafka from {@code value.serializer}; {@link #configure} must follow. */
  public AvroSerializer() {}

  public AvroSerializer(SchemaRegistry registry, AvroSerdeConfig config) {
    this.registry = registry;
    this.config = config;
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    this.isKey = isKey;
    this.config = AvroSerdeConfig.from(configs, isKey);
    if (registry == null) {
      registry = AvroSerdeConfig.registryFrom(configs);
    }
  }

  @Override
  public byte[] serialize(String topic, T data) {
    if (data == null) {
      return null;
    }
    if (registry == null || config == null) {
      throw new IllegalStateException("AvroSerializer used before configure()");
    }
    Schema schema = data.getSchema();
    String subject = config.subjectNameStrategy().subject(topic, isKey, schema);
    try {
      int id =
          config.autoRegisterSchemas()
              ? registry.register(subject, schema)
              : registry.idOf(subject, schema);
      return WireFormat.frame(id, encode(schema, data));
    } catch (IOException | RuntimeException e) {
      String advice =
          config.autoRegisterSchemas()
              ? ""
              : " (auto.register.schemas is off: register the schema with the release before"
                  + " deploying producers, see docs/contracts.md)";
      throw new SerializationException(
          "Cannot serialize "
              + schema.getFullName()
              + " for topic '"
              + topic
              + "' under subject '"
              + subject
              + "': "
              + e.getMessage()
              + advice,
          e);
    }
  }

  private byte[] encode(Schema schema, T data) throws IOException {
    DatumWriter<Object> writer = writers.computeIfAbsent(schema, s -> writerFor(s, data));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
    writer.write(data, encoder);
    encoder.flush();
    return out.toByteArray();
  }

  private static DatumWriter<Object> writerFor(Schema schema, Object data) {
    if (data instanceof SpecificRecord) {
      return new SpecificDatumWriter<>(schema, ContractModel.SPECIFIC);
    }
    return new GenericDatumWriter<>(schema, GenericData.get());
  }
}
