package io.sagaflow.replay;

import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * One Kafka header, in record order. Headers are compared exactly (name, bytes, position), so the
 * value keeps its bytes; the fixture file shows them as UTF-8 text when they are text.
 *
 * @param name header name
 * @param value header bytes; empty for a header with a null value
 */
public record FixtureHeader(String name, Optional<byte[]> value) {
  /** Rejects a missing name; copies the bytes. */
  public FixtureHeader {
    Objects.requireNonNull(name, "name");
    value = value.map(byte[]::clone);
  }

  /** A header with these bytes. */
  public static FixtureHeader of(String name, byte[] value) {
    return new FixtureHeader(name, Optional.ofNullable(value));
  }

  @Override
  public Optional<byte[]> value() {
    return value.map(byte[]::clone);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof FixtureHeader h
        && name.equals(h.name)
        && value.isPresent() == h.value.isPresent()
        && (value.isEmpty() || Arrays.equals(value.get(), h.value.get()));
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + value.map(Arrays::hashCode).orElse(0);
  }
}
