package io.sagaflow.topology;

import io.sagaflow.contract.DeadLetter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.common.utils.Bytes;

/**
 * One record of {@code saga.dlq} as the {@code saga-dead-letters} store keeps it: everything the
 * {@link DeadLetter} says except the original bytes, of which only the size is kept, because they
 * may hold personal data.
 *
 * <p>Key: saga id (UTF-8), {@code 0x00}, 8-byte big-endian failedAt millis, 4-byte dlq partition,
 * 8-byte dlq offset: a range over a saga's prefix lists its letters oldest first, and the dlq
 * position keeps two letters that failed in the same millisecond apart.
 *
 * @param sagaId the saga the letter belongs to
 * @param reason the {@code DeadLetterReason} name
 * @param detail the sentence an operator reads
 * @param sourceTopic topic the failed input was read from
 * @param sourcePartition its partition
 * @param sourceOffset its offset
 * @param failedAt when processing failed
 * @param dlqPartition where the letter is in saga.dlq
 * @param dlqOffset its offset there
 * @param originalValueBytes size of the original value; empty for a tombstone or a failed timer
 */
public record DeadLetterEntry(
    String sagaId,
    String reason,
    String detail,
    String sourceTopic,
    int sourcePartition,
    long sourceOffset,
    Instant failedAt,
    int dlqPartition,
    long dlqOffset,
    Optional<Integer> originalValueBytes) {
  private static final byte SEPARATOR = 0x00;
  private static final byte VALUE_FORMAT = 1;
  private static final int POSITION = Long.BYTES + Integer.BYTES + Long.BYTES;

  /** Rejects missing parts. */
  public DeadLetterEntry {
    Objects.requireNonNull(sagaId, "sagaId");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(detail, "detail");
    Objects.requireNonNull(sourceTopic, "sourceTopic");
    Objects.requireNonNull(failedAt, "failedAt");
    Objects.requireNonNull(originalValueBytes, "originalValueBytes");
  }

  /**
   * The entry for {@code letter} of {@code sagaId}, read at {@code dlqPartition}/{@code dlqOffset};
   * {@code receivedValueBytes} is the input value's size when the letter's value is not that value
   * (header {@code saga_dlq_original_value_bytes}).
   */
  static DeadLetterEntry of(
      String sagaId,
      DeadLetter letter,
      int dlqPartition,
      long dlqOffset,
      Optional<Integer> receivedValueBytes) {
    return new DeadLetterEntry(
        sagaId,
        letter.getReason().name(),
        letter.getDetail(),
        letter.getSourceTopic(),
        letter.getSourcePartition(),
        letter.getSourceOffset(),
        letter.getFailedAt(),
        dlqPartition,
        dlqOffset,
        receivedValueBytes.or(
            () -> Optional.ofNullable(letter.getOriginalValue()).map(ByteBuffer::remaining)));
  }

  /** The store key. */
  public Bytes key() {
    byte[] prefix = prefix(sagaId).get();
    return Bytes.wrap(
        ByteBuffer.allocate(prefix.length + POSITION)
            .put(prefix)
            .putLong(failedAt.toEpochMilli())
            .putInt(dlqPartition)
            .putLong(dlqOffset)
            .array());
  }

  /** The store value. */
  public byte[] value() {
    byte[][] texts = {utf8(reason), utf8(detail), utf8(sourceTopic)};
    int size = 1 + 3 * Integer.BYTES + Integer.BYTES + Long.BYTES + 1 + Integer.BYTES;
    for (byte[] t : texts) {
      size += t.length;
    }
    ByteBuffer buf = ByteBuffer.allocate(size).put(VALUE_FORMAT);
    for (byte[] t : texts) {
      buf.putInt(t.length).put(t);
    }
    buf.putInt(sourcePartition).putLong(sourceOffset);
    buf.put((byte) (originalValueBytes.isPresent() ? 1 : 0)).putInt(originalValueBytes.orElse(0));
    return buf.array();
  }

  /** Decodes a key and value read from the store. */
  public static DeadLetterEntry decode(Bytes key, byte[] value) {
    byte[] k = key.get();
    int idEnd = k.length - POSITION - 1;
    if (idEnd < 0 || k[idEnd] != SEPARATOR) {
      throw new IllegalArgumentException("Not a saga-dead-letters key");
    }
    ByteBuffer position = ByteBuffer.wrap(k, idEnd + 1, POSITION);
    ByteBuffer buf = ByteBuffer.wrap(value);
    if (buf.get() != VALUE_FORMAT) {
      throw new IllegalArgumentException("Not a saga-dead-letters value of format " + VALUE_FORMAT);
    }
    String reason = text(buf);
    String detail = text(buf);
    String sourceTopic = text(buf);
    int sourcePartition = buf.getInt();
    long sourceOffset = buf.getLong();
    boolean hasSize = buf.get() == 1;
    int size = buf.getInt();
    return new DeadLetterEntry(
        new String(k, 0, idEnd, StandardCharsets.UTF_8),
        reason,
        detail,
        sourceTopic,
        sourcePartition,
        sourceOffset,
        Instant.ofEpochMilli(position.getLong()),
        position.getInt(),
        position.getLong(),
        hasSize ? Optional.of(size) : Optional.empty());
  }

  /** The first key of {@code sagaId}'s letters. */
  public static Bytes prefix(String sagaId) {
    byte[] id = utf8(sagaId);
    byte[] out = new byte[id.length + 1];
    System.arraycopy(id, 0, out, 0, id.length);
    out[id.length] = SEPARATOR;
    return Bytes.wrap(out);
  }

  /**
   * An inclusive upper bound of {@code sagaId}'s keys: the saga id followed by {@code 0x01}, which
   * no key of this saga reaches and every longer key of another saga id exceeds.
   */
  public static Bytes prefixEnd(String sagaId) {
    byte[] end = prefix(sagaId).get();
    end[end.length - 1] = 0x01;
    return Bytes.wrap(end);
  }

  private static String text(ByteBuffer buf) {
    byte[] bytes = new byte[buf.getInt()];
    buf.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
