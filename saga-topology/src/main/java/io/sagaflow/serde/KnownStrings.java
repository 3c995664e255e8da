package io.sagaflow.serde;

import java.io.IOException;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.io.Decoder;
import org.apache.avro.util.Utf8;

/**
 * Decodes the strings a stored state repeats on every read (its type and status, step names and
 * statuses, timer kinds) to one shared {@link String} per distinct value, instead of a new string
 * and byte array each time: a saga input reads its whole state, and these strings were the largest
 * group of its decoding allocations.
 *
 * <p>Only short values are shared and only the first {@link #MAX_ENTRIES} distinct ones, so a field
 * that unexpectedly holds unbounded values costs a lookup, never unbounded memory. Free text (error
 * messages, causes) and ids are read the ordinary way by the caller.
 */
final class KnownStrings {
  static final int MAX_ENTRIES = 4096;
  static final int MAX_BYTES = 64;

  private final ConcurrentHashMap<Utf8, String> known = new ConcurrentHashMap<>();

  /**
   * Reads a string, reusing {@code scratch}'s bytes for it; the caller owns {@code scratch} and
   * passes it to every read of one record (it is not safe to share between threads).
   */
  String read(Decoder in, Utf8 scratch) throws IOException {
    Utf8 bytes = in.readString(scratch);
    if (bytes.getByteLength() > MAX_BYTES) {
      return bytes.toString();
    }
    String hit = known.get(bytes);
    if (hit != null) {
      return hit;
    }
    String value = bytes.toString();
    if (known.size() < MAX_ENTRIES) {
      // The key must own its bytes: scratch is overwritten by the next read.
      known.putIfAbsent(new Utf8(value), value);
    }
    return value;
  }

  /** {@link #read} for a {@code ["null", "string"]} union. */
  String readOptional(Decoder in, Utf8 scratch) throws IOException {
    return BinaryFields.unionIndex(in) == 0 ? null : read(in, scratch);
  }

  /** How many distinct values are shared. */
  int size() {
    return known.size();
  }
}
