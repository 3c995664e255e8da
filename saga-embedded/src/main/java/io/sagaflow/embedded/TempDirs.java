package io.sagaflow.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Temporary directories for brokers, state stores and test drivers, removed again by whoever made
 * them: a test suite run a few times should not leave thousands of directories behind.
 */
public final class TempDirs {
  private TempDirs() {}

  /** A new directory in the system's temporary directory, its name starting with {@code prefix}. */
  public static Path create(String prefix) {
    try {
      return Files.createTempDirectory(prefix);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create a temporary directory " + prefix + "*", e);
    }
  }

  /**
   * Deletes {@code root} and everything under it; a missing directory is not an error.
   *
   * @throws UncheckedIOException naming the directory if some of it could not be deleted
   */
  public static void delete(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot delete the temporary directory " + root, e);
    }
  }
}
