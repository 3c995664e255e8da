package io.sagaflow.embedded.registry;

import java.util.Optional;

/** One durable fact of the registry; replaying all entries in order rebuilds its state. */
public sealed interface LogEntry {

  /** Compaction key: the latest entry per key is all that replay needs. */
  String key();

  /** Schema {@code id} was registered as {@code version} of {@code subject}. */
  record SchemaRegistered(String subject, int version, int id, String schema) implements LogEntry {
    @Override
    public String key() {
      return "schema/" + subject + "/" + version;
    }
  }

  /** The compatibility level of {@code subject} (or, when empty, the global default) was set. */
  record CompatibilitySet(Optional<String> subject, CompatibilityLevel level) implements LogEntry {
    @Override
    public String key() {
      return subject.map(s -> "config/" + s).orElse("config");
    }
  }
}
