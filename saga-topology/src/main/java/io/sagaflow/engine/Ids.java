package io.sagaflow.engine;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;
import java.util.UUID;

/**
 * Deterministic identities. Command ids are name-based (version 3) UUIDs over a canonical,
 * length-prefixed encoding of (saga id, step, attempt, kind), so that the same command always has
 * the same id (participants deduplicate on it) and no two distinct commands share one, whatever
 * characters the names contain. Jitter seeds derive from the command id, so back-off is replayable.
 */
public final class Ids {
  // One per thread: a digest is not thread-safe, and looking one up per id cost more than hashing.
  private static final ThreadLocal<MessageDigest> MD5 =
      ThreadLocal.withInitial(
          () -> {
            try {
              return MessageDigest.getInstance("MD5");
            } catch (NoSuchAlgorithmException e) {
              throw new IllegalStateException("MD5 is required of every Java platform", e);
            }
          });

  private Ids() {}

  /**
   * The id of the command of {@code kind} for {@code step} at {@code attempt} in saga {@code
   * sagaId}.
   */
  public static UUID commandId(String sagaId, String step, int attempt, CommandKind kind) {
    return nameUuid("command", sagaId, step, Integer.toString(attempt), kind.name());
  }

  /** The id of a timer; at most one timer per (saga, kind, step, attempt) exists. */
  public static UUID timerId(String sagaId, TimerKind kind, Optional<String> step, int attempt) {
    return nameUuid("timer", sagaId, step.orElse(""), Integer.toString(attempt), kind.name());
  }

  /** The jitter seed for the back-off that follows the command {@code commandId}. */
  public static long jitterSeed(UUID commandId) {
    return commandId.getMostSignificantBits() ^ commandId.getLeastSignificantBits();
  }

  /**
   * The canary bucket of saga {@code sagaId} in rollout {@code rolloutId}, from 0 to 9,999: the
   * most significant 64 bits of the name-based id of (rollout id, saga id), unsigned, modulo
   * 10,000. Salted with the rollout id so that one rollout's canary sagas are not the next one's
   * too, and independent of the partition a saga id hashes to.
   */
  public static int rolloutBucket(String rolloutId, String sagaId) {
    UUID id = nameUuid("rollout", rolloutId, sagaId);
    return (int) Long.remainderUnsigned(id.getMostSignificantBits(), RolloutAssignment.BUCKETS);
  }

  /**
   * The name-based (version 3, MD5) UUID of {@code name}: the same id {@link
   * UUID#nameUUIDFromBytes} gives, with one digest per thread instead of a security provider lookup
   * on every call, which cost more than the hash. Several ids are derived for every saga input.
   */
  public static UUID nameBased(byte[] name) {
    return version3(MD5.get().digest(name));
  }

  /**
   * The id of a lifecycle event: the name-based id of the UTF-8 bytes of {@code sagaId}, {@code
   * eventType}, the step (or nothing), the attempt in decimal (or nothing) and {@code atMillis} in
   * decimal, joined by U+0000. The same id {@link #nameBased} gives for that string's bytes,
   * written into the thread's reused buffer: one is derived for every saga input.
   */
  public static UUID eventId(
      String sagaId,
      String eventType,
      Optional<String> step,
      Optional<Integer> attempt,
      long atMillis) {
    Name name = NAMES.get();
    name.length = 0;
    name.utf8(sagaId);
    name.put((byte) 0);
    name.utf8(eventType);
    name.put((byte) 0);
    if (step.isPresent()) {
      name.utf8(step.get());
    }
    name.put((byte) 0);
    if (attempt.isPresent()) {
      name.decimal(attempt.get());
    }
    name.put((byte) 0);
    name.decimal(atMillis);
    return name.id();
  }

  /** The bytes of {@code id}'s canonical form, as {@code id.toString()} encodes to any charset. */
  public static byte[] canonicalBytes(UUID id) {
    byte[] out = new byte[36];
    long msb = id.getMostSignificantBits();
    long lsb = id.getLeastSignificantBits();
    hex(msb >>> 32, out, 0, 8);
    out[8] = '-';
    hex(msb >>> 16, out, 9, 4);
    out[13] = '-';
    hex(msb, out, 14, 4);
    out[18] = '-';
    hex(lsb >>> 48, out, 19, 4);
    out[23] = '-';
    hex(lsb, out, 24, 12);
    return out;
  }

  /** The lowest {@code digits} hex digits of {@code value}, lower case, into {@code out}. */
  private static void hex(long value, byte[] out, int at, int digits) {
    for (int i = at + digits - 1; i >= at; i--) {
      out[i] = HEX[(int) (value & 0xf)];
      value >>>= 4;
    }
  }

  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  private static UUID version3(byte[] md5) {
    md5[6] = (byte) ((md5[6] & 0x0f) | 0x30); // version 3
    md5[8] = (byte) ((md5[8] & 0x3f) | 0x80); // IETF variant
    long msb = 0;
    long lsb = 0;
    for (int i = 0; i < 8; i++) {
      msb = (msb << 8) | (md5[i] & 0xff);
      lsb = (lsb << 8) | (md5[i + 8] & 0xff);
    }
    return new UUID(msb, lsb);
  }

  /**
   * The name-based id of the canonical name {@code sagaflow|<length>:<part>|...}, each length in
   * UTF-16 units as {@link String#length} counts them, the whole name in UTF-8. The name is written
   * into a reused buffer of the thread's: several ids are derived for every saga input, and the
   * builder, string and byte array each one took were a tenth of what a saga input allocates in
   * Sagaflow's own code.
   */
  private static UUID nameUuid(String... parts) {
    Name name = NAMES.get();
    name.length = 0;
    name.ascii("sagaflow");
    for (String part : parts) {
      name.put((byte) '|');
      name.decimal(part.length());
      name.put((byte) ':');
      name.utf8(part);
    }
    return name.id();
  }

  private static final ThreadLocal<Name> NAMES = ThreadLocal.withInitial(Name::new);

  /** A growing byte buffer for canonical names. */
  private static final class Name {
    byte[] bytes = new byte[128];
    int length;

    void put(byte b) {
      room(1);
      bytes[length++] = b;
    }

    void ascii(String s) {
      room(s.length());
      for (int i = 0; i < s.length(); i++) {
        bytes[length++] = (byte) s.charAt(i);
      }
    }

    /** {@code n} in decimal, as {@link Long#toString(long)} writes it. */
    void decimal(long n) {
      if (n < 0) {
        // Rare (a negative attempt or an instant before 1970): the JDK's digits, sign and all.
        ascii(Long.toString(n));
        return;
      }
      if (n >= 10) {
        decimal(n / 10);
      }
      put((byte) ('0' + n % 10));
    }

    /** The UTF-8 bytes of {@code s}, as {@link String#getBytes} gives them. */
    void utf8(String s) {
      for (int i = 0; i < s.length(); i++) {
        if (s.charAt(i) >= 0x80) {
          // Rare (ids and step names are ASCII in practice): let the JDK encode it, surrogates
          // and all, exactly as the whole name's getBytes did.
          byte[] encoded = s.getBytes(StandardCharsets.UTF_8);
          room(encoded.length);
          System.arraycopy(encoded, 0, bytes, length, encoded.length);
          length += encoded.length;
          return;
        }
      }
      ascii(s);
    }

    /** The name-based id of the bytes written so far. */
    UUID id() {
      MessageDigest md5 = MD5.get();
      md5.update(bytes, 0, length);
      return version3(md5.digest());
    }

    private void room(int more) {
      if (length + more > bytes.length) {
        bytes = java.util.Arrays.copyOf(bytes, Math.max(2 * bytes.length, length + more));
      }
    }
  }
}
