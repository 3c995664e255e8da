package io.sagaflow.topology;

import io.sagaflow.contract.SagaStateRecord;
import io.sagaflow.contract.TransitionRecord;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;

/**
 * Keys and values of the {@code saga-index} store, which lists every saga of a partition by status,
 * type and creation time so that search reads a range instead of every saga's state.
 *
 * <p>Key: status (UTF-8), {@code 0x00}, saga type (UTF-8), {@code 0x00}, 8-byte big-endian {@code
 * Long.MAX_VALUE - createdAt millis}, saga id (UTF-8). RocksDB orders keys byte by byte, so one
 * forward scan over a status and type prefix yields the newest saga first, ties broken by saga id
 * bytes ascending. Value: a format byte and the 8-byte time the saga entered its current status;
 * everything else a search result shows is already in the key.
 */
public final class SagaIndex {
  private static final byte SEPARATOR = 0x00;
  private static final byte VALUE_FORMAT = 1;
  private static final int VALUE_LENGTH = 1 + Long.BYTES;

  private SagaIndex() {}

  /**
   * One saga as the index lists it.
   *
   * @param status the saga's status name
   * @param sagaType the saga type
   * @param createdAt when the saga started
   * @param sagaId the saga id
   * @param statusSince when the saga entered its current status
   */
  public record Entry(
      String status, String sagaType, Instant createdAt, String sagaId, Instant statusSince) {
    /** Rejects parts the key layout cannot hold. */
    public Entry {
      requireName(status, "status");
      requireName(sagaType, "sagaType");
      Objects.requireNonNull(sagaId, "sagaId");
      Objects.requireNonNull(statusSince, "statusSince");
      if (createdAt.toEpochMilli() < 0) {
        throw new IllegalArgumentException("createdAt before 1970 cannot be indexed: " + createdAt);
      }
    }

    /** The store key of this entry. */
    public Bytes key() {
      return position(status, sagaType, createdAt, sagaId);
    }

    /** The store value of this entry. */
    public byte[] value() {
      return ByteBuffer.allocate(VALUE_LENGTH)
          .put(VALUE_FORMAT)
          .putLong(statusSince.toEpochMilli())
          .array();
    }
  }

  /** The entry a stored saga has in the index. */
  public static Entry entryOf(SagaStateRecord state) {
    return new Entry(
        state.getStatus(),
        state.getSagaType(),
        state.getCreatedAt(),
        state.getSagaId(),
        statusSince(state));
  }

  /**
   * The writes that move the index from {@code before} to {@code after}, in order; a {@code null}
   * value deletes its key. None when nothing the index holds changed, so the many inputs that do
   * not change a saga's status cost no index write. An absent {@code after} removes the saga.
   */
  public static List<KeyValue<Bytes, byte[]>> changes(
      Optional<Entry> before, Optional<Entry> after) {
    if (before.equals(after)) {
      return List.of();
    }
    List<KeyValue<Bytes, byte[]>> changes = new ArrayList<>(2);
    before
        .map(Entry::key)
        .filter(old -> !after.map(Entry::key).equals(Optional.of(old)))
        .ifPresent(old -> changes.add(KeyValue.pair(old, null)));
    after.ifPresent(e -> changes.add(KeyValue.pair(e.key(), e.value())));
    return List.copyOf(changes);
  }

  /** Decodes a key and value read from the store. */
  public static Entry decode(Bytes key, byte[] value) {
    byte[] bytes = key.get();
    int statusEnd = indexOf(bytes, 0);
    int typeEnd = indexOf(bytes, statusEnd + 1);
    ByteBuffer time = ByteBuffer.wrap(bytes, typeEnd + 1, Long.BYTES);
    long createdAt = Long.MAX_VALUE - time.getLong();
    int idStart = typeEnd + 1 + Long.BYTES;
    ByteBuffer buf = ByteBuffer.wrap(value);
    if (value.length != VALUE_LENGTH || buf.get() != VALUE_FORMAT) {
      throw new IllegalArgumentException(
          "Not a saga-index value (format " + VALUE_FORMAT + ", " + VALUE_LENGTH + " bytes)");
    }
    return new Entry(
        new String(bytes, 0, statusEnd, StandardCharsets.UTF_8),
        new String(bytes, statusEnd + 1, typeEnd - statusEnd - 1, StandardCharsets.UTF_8),
        Instant.ofEpochMilli(createdAt),
        new String(bytes, idStart, bytes.length - idStart, StandardCharsets.UTF_8),
        Instant.ofEpochMilli(buf.getLong()));
  }

  /** The first key of {@code status}, whatever the type: every entry of it sorts at or after it. */
  static Bytes statusFirst(String status) {
    return Bytes.wrap(statusBytes(status, (byte) 0x00));
  }

  /**
   * An inclusive upper bound of every key of {@code status}: the status followed by {@code 0x01},
   * which no key holds since a separator {@code 0x00} always follows the status.
   */
  static Bytes statusEnd(String status) {
    return Bytes.wrap(statusBytes(status, (byte) 0x01));
  }

  private static byte[] statusBytes(String status, byte last) {
    byte[] name = status.getBytes(StandardCharsets.UTF_8);
    byte[] key = java.util.Arrays.copyOf(name, name.length + 1);
    key[name.length] = last;
    return key;
  }

  /**
   * The first key of {@code status} and {@code type}: every entry of theirs sorts at or after it.
   */
  public static Bytes prefix(String status, String type) {
    return Bytes.wrap(prefixBytes(status, type, 0));
  }

  /**
   * An inclusive upper bound of every key of {@code status} and {@code type}. The inverted creation
   * time that follows the prefix is at most {@code Long.MAX_VALUE}, whose first byte is {@code
   * 0x7F}, so the prefix followed by {@code 0xFF} sorts after all of them.
   */
  public static Bytes prefixEnd(String status, String type) {
    byte[] end = prefixBytes(status, type, 1);
    end[end.length - 1] = (byte) 0xFF;
    return Bytes.wrap(end);
  }

  /**
   * The key of the position (createdAt, sagaId) under {@code status} and {@code type}; entries
   * after it in search order have greater keys.
   */
  public static Bytes position(String status, String type, Instant createdAt, String sagaId) {
    byte[] id = sagaId.getBytes(StandardCharsets.UTF_8);
    byte[] prefix = prefixBytes(status, type, Long.BYTES + id.length);
    ByteBuffer.wrap(prefix, prefix.length - Long.BYTES - id.length, Long.BYTES + id.length)
        .putLong(Long.MAX_VALUE - createdAt.toEpochMilli())
        .put(id);
    return Bytes.wrap(prefix);
  }

  /** The smallest key strictly after {@code key}. */
  public static Bytes successor(Bytes key) {
    byte[] bytes = key.get();
    byte[] next = new byte[bytes.length + 1];
    System.arraycopy(bytes, 0, next, 0, bytes.length);
    return Bytes.wrap(next);
  }

  /** When the saga entered its current status: its last transition there, else its creation. */
  static Instant statusSince(SagaStateRecord state) {
    List<TransitionRecord> history = state.getHistory();
    for (int i = history.size() - 1; i >= 0; i--) {
      if (history.get(i).getTo().equals(state.getStatus())) {
        return history.get(i).getAt();
      }
    }
    return state.getCreatedAt();
  }

  private static byte[] prefixBytes(String status, String type, int extra) {
    byte[] s = status.getBytes(StandardCharsets.UTF_8);
    byte[] t = type.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[s.length + 1 + t.length + 1 + extra];
    System.arraycopy(s, 0, out, 0, s.length);
    out[s.length] = SEPARATOR;
    System.arraycopy(t, 0, out, s.length + 1, t.length);
    out[s.length + 1 + t.length] = SEPARATOR;
    return out;
  }

  private static int indexOf(byte[] bytes, int from) {
    for (int i = from; i < bytes.length; i++) {
      if (bytes[i] == SEPARATOR) {
        return i;
      }
    }
    throw new IllegalArgumentException("Not a saga-index key: a separator is missing");
  }

  private static void requireName(String value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isEmpty() || value.indexOf('\0') >= 0) {
      throw new IllegalArgumentException(
          name + " must be non-empty and free of NUL to be indexed: '" + value + "'");
    }
  }
}
