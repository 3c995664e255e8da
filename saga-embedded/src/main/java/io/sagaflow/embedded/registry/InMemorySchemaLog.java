package io.sagaflow.embedded.registry;

import java.util.ArrayList;
import java.util.List;

/**
 * A log that lives as long as the JVM: for unit tests and throw-away runs, not for the embedded
 * default.
 */
public final class InMemorySchemaLog implements SchemaLog {

  private final List<LogEntry> entries = new ArrayList<>();

  @Override
  public synchronized List<LogEntry> replay() {
    return List.copyOf(entries);
  }

  @Override
  public synchronized void append(LogEntry entry) {
    entries.add(entry);
  }

  @Override
  public String describe() {
    return "in memory (lost on exit)";
  }

  @Override
  public void close() {
    // Nothing to release: the entries go with the JVM.
  }
}
