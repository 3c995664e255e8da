package io.sagaflow.serde;

import io.sagaflow.contract.SagaEvent;
import io.sagaflow.contract.SagaStateRecord;
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

  // One buffer and encoder per thread: Kafka Streams shares a sink's serializer between its stream
  // threads, and a fresh stream and unbuffered encoder per record cost more than the encoding.
  private static final ThreadLocal<Buffer> BUFFERS = new ThreadLocal<>();
  private static final int MAX_KEPT_BUFFER = 1 << 20;

  private final Map<Schema, DatumWriter<Object>> writers = new ConcurrentHashMap<>();
  // Schema ids never change once assigned, so the subject and registry lookup run once per
  // topic and schema (Avro caches a schema's hash, so the key is cheap).
  private final Map<TopicSchema, Integer> ids = new ConcurrentHashMap<>();
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
    try {
      return encode(idOf(topic, schema), schema, data);
    } catch (IOException | RuntimeException e) {
      String subject = config.subjectNameStrategy().subject(topic, isKey, schema);
      if (!config.autoRegisterSchemas()
          && e instanceof SchemaRegistryException refused
          && refused.isNotRegistered()) {
        throw new SerializationException(notRegistered(subject, schema, topic), e);
      }
      throw new SerializationException(
          "Cannot serialize "
              + schema.getFullName()
              + " for topic '"
              + topic
              + "' under subject '"
              + subject
              + "': "
              + e.getMessage(),
          e);
    }
  }

  /**
   * What an operator reads when production meets a registry without the release's schemas: which
   * subject, which registry, and the command that registers everything Sagaflow looks up.
   */
  private String notRegistered(String subject, Schema schema, String topic) {
    return "The schema for subject '"
        + subject
        + "' ("
        + schema.getFullName()
        + ", written to '"
        + topic
        + "') is not registered in "
        + registry.location()
        + ", and auto.register.schemas is off. Register the release's schemas before deploying: "
        + RegistrySchemas.registerCommand(registry)
        + " (docs/operations.md#schemas).";
  }

  private int idOf(String topic, Schema schema) {
    TopicSchema key = new TopicSchema(topic, schema);
    Integer known = ids.get(key);
    if (known != null) {
      return known;
    }
    String subject = config.subjectNameStrategy().subject(topic, isKey, schema);
    Schema registered = RegistrySchemas.normalised(schema);
    int id =
        config.autoRegisterSchemas()
            ? lookUpOrRegister(subject, registered, schema)
            : lookUp(subject, registered, schema);
    ids.put(key, id);
    return id;
  }

  /**
   * Looks up first, so that a subject an earlier Sagaflow filled with the Java-property form gets
   * no second, textually different version of the same schema; registers only what is not there.
   */
  private int lookUpOrRegister(String subject, Schema registered, Schema original) {
    try {
      return lookUp(subject, registered, original);
    } catch (SchemaRegistryException e) {
      if (!e.isNotRegistered()) {
        throw e;
      }
      return registry.register(subject, registered);
    }
  }

  /**
   * The id of {@code registered} (the normalised schema) under {@code subject}, or of {@code
   * original} when the subject holds only that: a registry filled by an earlier Sagaflow, which
   * registered the generated classes' schemas with their Java properties. Both encode alike.
   */
  private int lookUp(String subject, Schema registered, Schema original) {
    try {
      return registry.idOf(subject, registered);
    } catch (SchemaRegistryException e) {
      if (registered.equals(original) || !e.isSchemaNotFound()) {
        throw e;
      }
      try {
        return registry.idOf(subject, original);
      } catch (SchemaRegistryException second) {
        if (second.isOutage()) {
          throw second;
        }
        // Not there either: the normalised form is the one to register, so that is the one named.
        e.addSuppressed(second);
        throw e;
      }
    }
  }

  private byte[] encode(int id, Schema schema, T data) throws IOException {
    DatumWriter<Object> writer = writers.computeIfAbsent(schema, s -> writerFor(s, data));
    Buffer kept = BUFFERS.get();
    // A write that nests another on this thread (the kept buffer is in use) gets one of its own.
    Buffer buffer = kept != null && !kept.inUse ? kept : new Buffer();
    buffer.inUse = true;
    boolean complete = false;
    try {
      buffer.out.reset();
      buffer.out.write(WireFormat.MAGIC_BYTE);
      buffer.out.write(id >>> 24);
      buffer.out.write(id >>> 16);
      buffer.out.write(id >>> 8);
      buffer.out.write(id);
      writer.write(data, buffer.encoder);
      buffer.encoder.flush();
      byte[] framed = buffer.out.toByteArray();
      complete = true;
      return framed;
    } finally {
      buffer.inUse = false;
      // Kept only after a complete write (a failed one may leave bytes in the encoder), and not
      // when a huge record grew it: the thread would hold that memory for good.
      boolean keep = complete && buffer.out.size() <= MAX_KEPT_BUFFER;
      if (keep && kept == null) {
        BUFFERS.set(buffer);
      } else if (!keep && kept == buffer) {
        BUFFERS.remove();
      }
    }
  }

  private record TopicSchema(String topic, Schema schema) {}

  /**
   * A thread's reusable output: a growing byte array and the buffered encoder bound to it once (an
   * encoder flushed after each write holds nothing between writes).
   */
  private static final class Buffer {
    final ByteArrayOutputStream out = new ByteArrayOutputStream(512);
    final BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    boolean inUse;
  }

  private static DatumWriter<Object> writerFor(Schema schema, Object data) {
    // The two records written for every saga input take their hand-written codecs (same bytes).
    if (data instanceof SagaStateRecord && StateRecordCodec.handles(schema)) {
      return StateRecordCodec.INSTANCE;
    }
    if (data instanceof SagaEvent && SagaEventCodec.handles(schema)) {
      return SagaEventCodec.INSTANCE;
    }
    if (data instanceof SpecificRecord) {
      return new SpecificDatumWriter<>(schema, ContractModel.SPECIFIC);
    }
    return new GenericDatumWriter<>(schema, GenericData.get());
  }
}
