package io.sagaflow.serde;

import java.io.IOException;
import java.time.Instant;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.Decoder;
import org.apache.avro.io.Encoder;

/**
 * Avro's binary encoding of the field kinds the hand-written codecs use: {@code ["null", T]} unions
 * (branch index, then the value when present) and required fields. Each call writes or reads
 * exactly what Avro's generic writer and reader would for that field.
 */
final class BinaryFields {
  private BinaryFields() {}

  /**
   * Whether {@code schema} is a record with the parsing fingerprint {@code fingerprint}: the binary
   * layout a codec was written for, since the fingerprint changes with any change to the layout.
   */
  static boolean hasLayout(Schema schema, long fingerprint) {
    return schema.getType() == Schema.Type.RECORD
        && SchemaNormalization.parsingFingerprint64(schema) == fingerprint;
  }

  static void writeOptional(String value, Encoder out) throws IOException {
    if (value == null) {
      out.writeIndex(0);
    } else {
      out.writeIndex(1);
      out.writeString(value);
    }
  }

  static void writeOptional(Integer value, Encoder out) throws IOException {
    if (value == null) {
      out.writeIndex(0);
    } else {
      out.writeIndex(1);
      out.writeInt(value);
    }
  }

  static void writeOptional(Long value, Encoder out) throws IOException {
    if (value == null) {
      out.writeIndex(0);
    } else {
      out.writeIndex(1);
      out.writeLong(value);
    }
  }

  /** A nullable {@code timestamp-millis}: the instant's epoch millis. */
  static void writeOptional(Instant value, Encoder out) throws IOException {
    if (value == null) {
      out.writeIndex(0);
    } else {
      out.writeIndex(1);
      out.writeLong(value.toEpochMilli());
    }
  }

  static String readOptionalString(Decoder in) throws IOException {
    return unionIndex(in) == 0 ? null : in.readString();
  }

  static Integer readOptionalInt(Decoder in) throws IOException {
    return unionIndex(in) == 0 ? null : in.readInt();
  }

  static Long readOptionalLong(Decoder in) throws IOException {
    return unionIndex(in) == 0 ? null : in.readLong();
  }

  static Instant readOptionalInstant(Decoder in) throws IOException {
    return unionIndex(in) == 0 ? null : Instant.ofEpochMilli(in.readLong());
  }

  /** The branch of a {@code ["null", T]} union; anything else is bytes of another layout. */
  static int unionIndex(Decoder in) throws IOException {
    int index = in.readIndex();
    if (index != 0 && index != 1) {
      throw new IOException("union branch " + index + " out of range [0, 1]");
    }
    return index;
  }

  /** Avro's writer refuses a null where the schema has no null branch; so do the codecs. */
  static <T> T required(T value, String field) {
    if (value == null) {
      throw new NullPointerException("null value for (non-nullable) field " + field);
    }
    return value;
  }
}
