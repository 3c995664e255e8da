package io.sagaflow.replay;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One Kafka record of a fixture, input or expected output.
 *
 * @param topic the topic
 * @param key the record key (saga inputs and outputs are keyed by saga id); empty for no key
 * @param timestamp the record timestamp
 * @param headers the headers in record order
 * @param value the value, decoded when it is an Avro record
 */
public record FixtureRecord(
    String topic,
    Optional<String> key,
    Instant timestamp,
    List<FixtureHeader> headers,
    Payload value) {
  /** Rejects missing parts; copies the headers. */
  public FixtureRecord {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(timestamp, "timestamp");
    Objects.requireNonNull(value, "value");
    headers = List.copyOf(headers);
  }
}
