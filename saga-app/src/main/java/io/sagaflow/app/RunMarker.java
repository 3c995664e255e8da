package io.sagaflow.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Tells a processor whether the last one on its data directory stopped cleanly: a file {@code <data
 * dir>/processor.running} is written at start and removed after a clean close, so a file found at
 * start means a kill or a crash. Under exactly-once, Kafka Streams trusts local state only with the
 * checkpoint a clean close writes; after a kill it finds stores without one, logs a WARN per store
 * and an ERROR per task ("TaskCorruptedException ... need to be re-initialized"), wipes them and
 * restores them from their changelogs. Knowing it first, the processor wipes the state itself
 * before Kafka Streams starts, which restores the same way and leaves a log an operator does not
 * take for a failure.
 */
final class RunMarker {
  static final String FILE = "processor.running";

  private final Path file;

  private RunMarker(Path file) {
    this.file = file;
  }

  /** The marker of {@code dataDir}; nothing is read or written yet. */
  static RunMarker in(Path dataDir) {
    return new RunMarker(dataDir.resolve(FILE));
  }

  /** True when a processor started on this data directory and never closed cleanly. */
  boolean previousRunUnclean() {
    return Files.exists(file);
  }

  /** Marks a run in progress. */
  void mark() {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(
          file, ProcessHandle.current().pid() + System.lineSeparator(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + file, e);
    }
  }

  /** Marks the run as closed cleanly. */
  void clear() {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot remove " + file, e);
    }
  }
}
