package io.sagaflow.replay;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * An output record exactly as the topology wrote it, bytes and all, next to its fixture form.
 *
 * @param record the decoded form, as a fixture would show it
 * @param key the key bytes, empty for no key
 * @param value the value bytes, empty for a tombstone
 */
public record CapturedRecord(FixtureRecord record, Optional<byte[]> key, Optional<byte[]> value) {
  /** The headers, exactly as written (after {@link VolatileHeaders} normalisation). */
  public List<FixtureHeader> headers() {
    return record.headers();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof CapturedRecord c
        && record.equals(c.record)
        && same(key, c.key)
        && same(value, c.value);
  }

  @Override
  public int hashCode() {
    return record.hashCode();
  }

  static boolean same(Optional<byte[]> a, Optional<byte[]> b) {
    return a.isPresent() == b.isPresent() && (a.isEmpty() || Arrays.equals(a.get(), b.get()));
  }
}
