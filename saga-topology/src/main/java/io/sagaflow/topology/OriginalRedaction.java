package io.sagaflow.topology;

import io.sagaflow.serde.Redaction;
import io.sagaflow.serde.SchemaRegistry;
import io.sagaflow.serde.SchemaRegistryException;
import io.sagaflow.serde.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;

/**
 * Masks the fields tagged {@code pii} or {@code secret} in an input's value before a dead letter
 * carries it, so the dead-letter topic, its store and whoever reads them hold no tagged value in
 * clear. The value is decoded with its writer schema (by the id in its header), tagged fields are
 * replaced, nested framed records ({@code StartSaga.data}, {@code StepReply.stepResult}) included,
 * and it is encoded again with the same schema id: still a readable record of its topic, just not
 * the exact input, which stays in its source topic for a re-publish.
 *
 * <p>A value that does not decode (not the wire format, an unknown schema id, bytes that do not
 * match their schema) cannot be masked field by field, and nothing says it holds no personal data:
 * it is left out whole. A schema registry outage is not the input's fault and is thrown, as
 * everywhere else.
 */
final class OriginalRedaction {
  /** Header value for a value left out because it could not be decoded. */
  static final String UNDECODABLE = "undecodable";

  private static final ByteBuffer MASKED_BYTES = ByteBuffer.wrap(new byte[] {0});

  private final SchemaRegistry registry;

  OriginalRedaction(SchemaRegistry registry) {
    this.registry = registry;
  }

  /** What the dead letter may carry of {@code value}. */
  Result redact(byte[] value) {
    if (value == null) {
      return new Result(null, Optional.empty());
    }
    List<String> masked = new ArrayList<>();
    try {
      byte[] redacted = redactFramed(value, "", masked);
      return masked.isEmpty()
          ? new Result(value, Optional.empty())
          : new Result(redacted, Optional.of(String.join(",", masked)));
    } catch (SchemaRegistryException e) {
      if (e.isOutage()) {
        throw e;
      }
      return new Result(null, Optional.of(UNDECODABLE));
    } catch (RuntimeException | IOException e) {
      return new Result(null, Optional.of(UNDECODABLE));
    }
  }

  private byte[] redactFramed(byte[] framed, String prefix, List<String> masked)
      throws IOException {
    int id = WireFormat.schemaId("dead letter", framed);
    Schema writer = registry.schemaById(id);
    GenericDatumReader<Object> reader = new GenericDatumReader<>(writer);
    Object decoded =
        reader.read(
            null,
            DecoderFactory.get()
                .binaryDecoder(
                    framed,
                    WireFormat.HEADER_LENGTH,
                    framed.length - WireFormat.HEADER_LENGTH,
                    null));
    int before = masked.size();
    Object redacted = walk(decoded, writer, prefix, masked);
    if (masked.size() == before) {
      return framed;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    new GenericDatumWriter<>(writer).write(redacted, encoder);
    encoder.flush();
    return WireFormat.frame(id, out.toByteArray());
  }

  private Object walk(Object value, Schema schema, String path, List<String> masked)
      throws IOException {
    if (value == null) {
      return null;
    }
    switch (schema.getType()) {
      case RECORD -> {
        GenericRecord record = (GenericRecord) value;
        for (Schema.Field field : schema.getFields()) {
          Object fieldValue = record.get(field.pos());
          String fieldPath = path + field.name();
          if (Redaction.isSensitive(field) && fieldValue != null) {
            record.put(field.pos(), mask(field.schema(), fieldValue));
            masked.add(fieldPath);
          } else {
            record.put(field.pos(), walk(fieldValue, field.schema(), fieldPath + ".", masked));
          }
        }
        return record;
      }
      case ARRAY -> {
        List<Object> items = new ArrayList<>();
        for (Object item : (Iterable<?>) value) {
          items.add(walk(item, schema.getElementType(), path, masked));
        }
        return new GenericData.Array<>(schema, items);
      }
      case MAP -> {
        HashMap<Object, Object> copy = new HashMap<>();
        for (var entry : ((java.util.Map<?, ?>) value).entrySet()) {
          copy.put(entry.getKey(), walk(entry.getValue(), schema.getValueType(), path, masked));
        }
        return copy;
      }
      case UNION -> {
        Schema branch = schema.getTypes().get(GenericData.get().resolveUnion(schema, value));
        return walk(value, branch, path, masked);
      }
      case BYTES -> {
        return nested((ByteBuffer) value, path, masked);
      }
      default -> {
        return value;
      }
    }
  }

  /**
   * Bytes that hold a framed record (a saga's data, a step's result) are redacted inside; other
   * bytes are left as they are (a decimal amount, a digest).
   */
  private Object nested(ByteBuffer bytes, String path, List<String> masked) throws IOException {
    ByteBuffer view = bytes.duplicate();
    if (view.remaining() <= WireFormat.HEADER_LENGTH || view.get(view.position()) != 0) {
      return bytes;
    }
    byte[] framed = new byte[view.remaining()];
    view.get(framed);
    String prefix = path.endsWith(".") ? path : path + ".";
    byte[] redacted;
    try {
      redacted = redactFramed(framed, prefix, masked);
    } catch (SchemaRegistryException e) {
      if (e.isOutage()) {
        throw e;
      }
      // Bytes that only look framed (a decimal starting with 0x00, a digest): not a record.
      return bytes;
    } catch (AvroRuntimeException | IOException e) {
      return bytes;
    }
    return redacted == framed ? bytes : ByteBuffer.wrap(redacted);
  }

  /** A value of {@code schema} that says nothing about {@code original}. */
  private static Object mask(Schema schema, Object original) {
    return switch (schema.getType()) {
      case STRING -> Redaction.MASK;
      case BYTES -> MASKED_BYTES.duplicate();
      case INT -> 0;
      case LONG -> 0L;
      case BOOLEAN -> false;
      case ENUM ->
          new GenericData.EnumSymbol(
              schema,
              schema.getEnumDefault() != null
                  ? schema.getEnumDefault()
                  : schema.getEnumSymbols().get(0));
      case FIXED -> new GenericData.Fixed(schema, new byte[schema.getFixedSize()]);
      case ARRAY -> new GenericData.Array<>(0, schema);
      case MAP -> new HashMap<>();
      case RECORD -> maskRecord(schema, (GenericRecord) original);
      case UNION -> maskUnion(schema, original);
      default -> original;
    };
  }

  private static GenericRecord maskRecord(Schema schema, GenericRecord original) {
    GenericData.Record masked = new GenericData.Record(schema);
    for (Schema.Field field : schema.getFields()) {
      Object value = original.get(field.pos());
      masked.put(field.pos(), value == null ? null : mask(field.schema(), value));
    }
    return masked;
  }

  private static Object maskUnion(Schema union, Object original) {
    for (Schema branch : union.getTypes()) {
      if (branch.getType() == Schema.Type.STRING) {
        return Redaction.MASK;
      }
    }
    Schema branch = union.getTypes().get(GenericData.get().resolveUnion(union, original));
    return mask(branch, original);
  }

  /**
   * What a dead letter carries of the original value.
   *
   * @param value the bytes to carry: the original, its redacted re-encoding, or null
   * @param redacted the {@code saga_dlq_original_redacted} header's value, when the original is not
   *     carried as it was
   */
  @SuppressWarnings("ArrayRecordComponent") // handed straight to a DeadLetter, never compared
  record Result(byte[] value, Optional<String> redacted) {
    byte[] header() {
      return redacted.orElseThrow().getBytes(StandardCharsets.UTF_8);
    }
  }
}
