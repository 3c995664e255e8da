package io.sagaflow.embedded.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * JSON form of {@link LogEntry} in the storage topic: readable with any console consumer, and keyed
 * so that compaction keeps the latest fact per subject version and per config.
 */
final class LogEntryCodec {

  private static final ObjectMapper JSON = new ObjectMapper();

  private LogEntryCodec() {}

  static byte[] key(LogEntry entry) {
    return entry.key().getBytes(StandardCharsets.UTF_8);
  }

  static byte[] value(LogEntry entry) {
    ObjectNode node = JSON.createObjectNode();
    if (entry instanceof LogEntry.SchemaRegistered s) {
      node.put("type", "SCHEMA");
      node.put("subject", s.subject());
      node.put("version", s.version());
      node.put("id", s.id());
      node.put("schema", s.schema());
    } else if (entry instanceof LogEntry.CompatibilitySet c) {
      node.put("type", "CONFIG");
      c.subject().ifPresent(subject -> node.put("subject", subject));
      node.put("compatibilityLevel", c.level().name());
    }
    try {
      return JSON.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static LogEntry decode(byte[] value) {
    try {
      JsonNode node = JSON.readTree(value);
      String type = node.path("type").asText();
      return switch (type) {
        case "SCHEMA" ->
            new LogEntry.SchemaRegistered(
                node.get("subject").asText(),
                node.get("version").asInt(),
                node.get("id").asInt(),
                node.get("schema").asText());
        case "CONFIG" ->
            new LogEntry.CompatibilitySet(
                Optional.ofNullable(node.get("subject")).map(JsonNode::asText),
                CompatibilityLevel.parse(node.get("compatibilityLevel").asText()));
        default ->
            throw new IllegalStateException(
                "Unknown entry type '" + type + "' in the registry's storage topic");
      };
    } catch (IOException e) {
      throw new UncheckedIOException("Corrupt entry in the registry's storage topic", e);
    }
  }
}
