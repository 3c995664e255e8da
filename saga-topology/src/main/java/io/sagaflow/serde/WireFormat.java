package io.sagaflow.serde;

import java.nio.ByteBuffer;

/**
 * The Confluent wire format shared with every Confluent-compatible producer and consumer: byte 0 is
 * the magic byte {@code 0}, bytes 1-4 the schema id as a big-endian int, the rest the Avro binary
 * encoding of the value.
 */
public final class WireFormat {

  /** The only magic byte defined so far. */
  public static final byte MAGIC_BYTE = 0;

  /** Magic byte plus schema id. */
  public static final int HEADER_LENGTH = 5;

  private WireFormat() {}

  /** Prefixes Avro binary {@code body} with the header for {@code schemaId}. */
  public static byte[] frame(int schemaId, byte[] body) {
    return ByteBuffer.allocate(HEADER_LENGTH + body.length)
        .put(MAGIC_BYTE)
        .putInt(schemaId)
        .put(body)
        .array();
  }

  /** The schema id of framed {@code bytes}; throws when they are not in the wire format. */
  public static int schemaId(String topic, byte[] bytes) {
    if (bytes.length < HEADER_LENGTH) {
      throw new AvroDeserializationException(
          topic,
          -1,
          "only "
              + bytes.length
              + " bytes, shorter than the 5-byte Confluent header. The producer did not use a"
              + " schema-registry serializer.",
          null);
    }
    if (bytes[0] != MAGIC_BYTE) {
      throw new AvroDeserializationException(
          topic,
          -1,
          "unknown magic byte "
              + bytes[0]
              + " (expected 0). The producer did not use the Confluent wire format.",
          null);
    }
    return ByteBuffer.wrap(bytes, 1, 4).getInt();
  }
}
