package io.sagaflow.serde;

import io.sagaflow.contract.SagaStateRecord;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads the Confluent wire format with Avro schema resolution: the writer schema comes from the
 * registry by id, the reader schema from the consumer (the target generated class, the generated
 * class named like the writer's record, or the writer schema itself for generic reading). So a
 * consumer on an older or newer compatible schema reads what it can: unknown fields are skipped,
 * missing ones take their defaults, unknown enum symbols become the enum's default.
 *
 * <p>Bad bytes raise {@link AvroDeserializationException} (the topology sends the record to the
 * DLQ). A registry that cannot be reached raises {@link SchemaRegistryException} instead: that is
 * an outage, not a bad record, and must not empty the input into the DLQ.
 */
public final class AvroDeserializer<T> implements Deserializer<T> {

  private final Map<Integer, DatumReader<Object>> readers = new ConcurrentHashMap<>();
  // A decoder per thread, re-pointed at each record's bytes instead of allocated per record.
  private static final ThreadLocal<BinaryDecoder> DECODERS = new ThreadLocal<>();
  private SchemaRegistry registry;
  private Optional<Class<? extends SpecificRecord>> target;
  private boolean specific;
  private final SpecificData model;
  // The same model with Avro's fast reader, for the schemas ContractModel.fastReadable accepts.
  private final SpecificData fastModel;

  /** For instantiation by Kafka; {@link #configure} reads {@code specific.avro.reader}. */
  public AvroDeserializer() {
    this(null, Optional.empty(), false, ContractModel.class.getClassLoader());
  }

  private AvroDeserializer(
      SchemaRegistry registry,
      Optional<Class<? extends SpecificRecord>> target,
      boolean specific,
      ClassLoader classes) {
    this.registry = registry;
    this.target = target;
    this.specific = specific;
    if (classes == ContractModel.class.getClassLoader()) {
      this.model = ContractModel.SPECIFIC;
      this.fastModel = ContractModel.SPECIFIC_FAST;
    } else {
      // A type from a plugin's class loader: its nested records are only visible through it.
      this.model = ContractModel.forClassLoader(classes);
      this.fastModel = ContractModel.forClassLoader(classes, true);
    }
  }

  /** Reads every record into {@code type}, resolving from whatever compatible schema wrote it. */
  public static <T extends SpecificRecord> AvroDeserializer<T> specific(
      Class<T> type, SchemaRegistry registry) {
    return new AvroDeserializer<>(registry, Optional.of(type), true, type.getClassLoader());
  }

  /**
   * For topics with several record types: each record is read into the generated class named like
   * its writer schema.
   */
  public static AvroDeserializer<SpecificRecord> anySpecific(SchemaRegistry registry) {
    return new AvroDeserializer<>(
        registry, Optional.empty(), true, ContractModel.class.getClassLoader());
  }

  /**
   * Like {@link #anySpecific(SchemaRegistry)}, finding the generated classes through {@code
   * classes}: the loader that sees the saga modules' records when they were loaded as plugins.
   */
  public static AvroDeserializer<SpecificRecord> anySpecific(
      SchemaRegistry registry, ClassLoader classes) {
    return new AvroDeserializer<>(registry, Optional.empty(), true, classes);
  }

  /** Reads records as {@link org.apache.avro.generic.GenericRecord}s in their writer schema. */
  public static AvroDeserializer<Object> generic(SchemaRegistry registry) {
    return new AvroDeserializer<>(
        registry, Optional.empty(), false, ContractModel.class.getClassLoader());
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    specific =
        Boolean.parseBoolean(
            String.valueOf(configs.get(AvroSerdeConfig.SPECIFIC_AVRO_READER_CONFIG)));
    if (registry == null) {
      registry = AvroSerdeConfig.registryFrom(configs);
    }
  }

  @Override
  public T deserialize(String topic, byte[] bytes) {
    if (bytes == null) {
      return null;
    }
    if (registry == null) {
      throw new IllegalStateException("AvroDeserializer used before configure()");
    }
    int id = WireFormat.schemaId(topic, bytes);
    DatumReader<Object> reader = readers.computeIfAbsent(id, key -> readerFor(topic, key));
    BinaryDecoder decoder =
        DecoderFactory.get()
            .binaryDecoder(
                bytes,
                WireFormat.HEADER_LENGTH,
                bytes.length - WireFormat.HEADER_LENGTH,
                DECODERS.get());
    // Taken out while in use, so a read that nests another on this thread gets its own.
    DECODERS.remove();
    Object value;
    try {
      value = reader.read(null, decoder);
      if (!decoder.isEnd()) {
        throw new IOException(
            "trailing bytes after the record: the body does not match its schema id");
      }
    } catch (IOException | RuntimeException e) {
      throw new AvroDeserializationException(
          topic, id, "Avro body unreadable: " + e.getMessage(), e);
    } finally {
      DECODERS.set(decoder);
    }
    @SuppressWarnings(
        "unchecked") // The reader schema was chosen for T; checked below for specific.
    T result = (T) value;
    target.ifPresent(
        type -> {
          if (!type.isInstance(result)) {
            throw new AvroDeserializationException(
                topic,
                id,
                "decoded " + value.getClass().getName() + ", expected " + type.getName(),
                null);
          }
        });
    return result;
  }

  private DatumReader<Object> readerFor(String topic, int id) {
    Schema writer;
    try {
      writer = registry.schemaById(id);
    } catch (SchemaRegistryException e) {
      if (e.isOutage()) {
        throw e;
      }
      throw new AvroDeserializationException(
          topic, id, "the registry does not know this schema id: " + e.getMessage(), e);
    }
    if (!specific) {
      return new GenericDatumReader<>(writer, writer, GenericData.get());
    }
    Class<?> type = target.<Class<?>>map(t -> t).orElseGet(() -> model.getClass(writer));
    if (type == null) {
      throw new AvroDeserializationException(
          topic,
          id,
          "no generated class for record "
              + writer.getFullName()
              + " on the classpath. Upgrade the schemas module, or read this topic generically.",
          null);
    }
    Schema reader = model.getSchema(type);
    // Same layout on both sides: nothing to resolve, so the state store's records take the
    // hand-written path.
    if (type == SagaStateRecord.class
        && StateRecordCodec.handles(writer)
        && StateRecordCodec.handles(reader)) {
      return StateRecordCodec.INSTANCE;
    }
    return new ContractDatumReader(
        writer, reader, ContractModel.fastReadable(reader) ? fastModel : model);
  }
}
