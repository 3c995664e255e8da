package io.sagaflow.api;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;

/**
 * Where a search page ended: the last item's creation time and saga id, and a digest of the filters
 * it was issued for. Encoded as base64url of a format byte, the fields and a checksum. It is
 * opaque, not secret: it only points into results the caller may read anyway, and the checksum
 * turns an edited or truncated cursor into a clear 400 instead of a wrong page.
 *
 * @param createdAt the creation time of the last item served
 * @param sagaId its saga id
 * @param filterHash {@link SearchQuery#filterHash()} of the search
 */
record SearchCursor(Instant createdAt, String sagaId, long filterHash) {
  private static final byte FORMAT = 1;
  private static final int CHECKSUM = 8;
  private static final int FIXED = 1 + Long.BYTES + Long.BYTES;

  String encode() {
    byte[] id = sagaId.getBytes(StandardCharsets.UTF_8);
    ByteBuffer body =
        ByteBuffer.allocate(FIXED + id.length)
            .put(FORMAT)
            .putLong(createdAt.toEpochMilli())
            .putLong(filterHash)
            .put(id);
    byte[] out = Arrays.copyOf(body.array(), body.capacity() + CHECKSUM);
    System.arraycopy(checksum(body.array()), 0, out, body.capacity(), CHECKSUM);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(out);
  }

  /** Decodes a cursor; a 400 {@link ApiProblem} when it is not one this API issued intact. */
  static SearchCursor decode(String value) {
    byte[] bytes;
    try {
      bytes = Base64.getUrlDecoder().decode(value);
    } catch (IllegalArgumentException e) {
      throw malformed();
    }
    if (bytes.length <= FIXED + CHECKSUM || bytes[0] != FORMAT) {
      throw malformed();
    }
    byte[] body = Arrays.copyOf(bytes, bytes.length - CHECKSUM);
    byte[] sum = Arrays.copyOfRange(bytes, bytes.length - CHECKSUM, bytes.length);
    if (!MessageDigest.isEqual(sum, checksum(body))) {
      throw malformed();
    }
    ByteBuffer buf = ByteBuffer.wrap(body, 1, body.length - 1);
    long createdAt = buf.getLong();
    long filterHash = buf.getLong();
    String sagaId = new String(body, FIXED, body.length - FIXED, StandardCharsets.UTF_8);
    return new SearchCursor(Instant.ofEpochMilli(createdAt), sagaId, filterHash);
  }

  /** The first 8 bytes of the SHA-256 of {@code text}, as a long. */
  static long digest(String text) {
    return ByteBuffer.wrap(sha256(text.getBytes(StandardCharsets.UTF_8))).getLong();
  }

  private static byte[] checksum(byte[] body) {
    return Arrays.copyOf(sha256(body), CHECKSUM);
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every Java runtime has SHA-256", e);
    }
  }

  private static ApiProblem malformed() {
    return ApiProblem.badRequest(
        "Query parameter 'cursor' is not a cursor this API issued (malformed, edited or"
            + " truncated); pass the nextCursor of the previous page as it was, or start again"
            + " without a cursor.");
  }
}
