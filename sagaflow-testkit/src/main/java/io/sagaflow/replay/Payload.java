package io.sagaflow.replay;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import java.util.Objects;

/**
 * A record value (or a nested payload inside one) as a fixture holds it: never as registry-framed
 * bytes, because schema ids belong to one registry and would drift between the cluster an incident
 * came from and the replay. Avro records are kept decoded and re-framed by whichever registry
 * replays them; anything that is not a decodable record is kept as its exact bytes.
 */
public sealed interface Payload {

  /** A Confluent wire-format record, decoded: its generated class name and its JSON form. */
  record Avro(String type, JsonNode value) implements Payload {
    /** Rejects a missing type or value. */
    public Avro {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(value, "value");
    }
  }

  /** Bytes that are not a record this JVM can decode (a poison record, a plain string key). */
  final class Raw implements Payload {
    private final byte[] bytes;

    /** Keeps a copy, so the payload stays immutable. */
    public Raw(byte[] bytes) {
      this.bytes = bytes.clone();
    }

    /** A copy of the bytes. */
    public byte[] bytes() {
      return bytes.clone();
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Raw raw && Arrays.equals(bytes, raw.bytes);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
      return "Raw[" + bytes.length + " bytes]";
    }
  }

  /** No value: a tombstone. */
  record Tombstone() implements Payload {}
}
