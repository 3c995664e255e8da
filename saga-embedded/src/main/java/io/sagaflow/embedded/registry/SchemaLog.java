package io.sagaflow.embedded.registry;

import java.util.List;

/**
 * Where the registry keeps its facts. Appends must be durable before they return, because a client
 * that got an id may have written records with it.
 */
public interface SchemaLog extends AutoCloseable {

  /** Every entry written so far, oldest first. */
  List<LogEntry> replay();

  /** Writes one entry durably; throws {@link RegistryException} (50001) when the store fails. */
  void append(LogEntry entry);

  /** Where the facts live, for start-up messages. */
  String describe();

  @Override
  void close();
}
