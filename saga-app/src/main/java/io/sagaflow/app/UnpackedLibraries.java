package io.sagaflow.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The native libraries this JVM unpacked into the temporary directory and mapped (RocksDB's, 15 MB,
 * and any compression codec's). Their loaders delete them at exit through the JDK's delete-on-exit
 * hook, which a {@code Runtime.halt} skips: {@link ShutdownLatch} halts to exit with the command's
 * status, so it removes them itself first. Linux only ({@code /proc/self/maps}); elsewhere nothing
 * is found and nothing removed.
 */
final class UnpackedLibraries {
  private static final Path MAPS = Path.of("/proc/self/maps");

  private UnpackedLibraries() {}

  /** The {@code .so} files directly in {@code tempDir} that {@code maps} lists as mapped. */
  static Set<Path> in(List<String> maps, Path tempDir) {
    Set<Path> found = new TreeSet<>();
    Path dir = tempDir.toAbsolutePath().normalize();
    for (String line : maps) {
      int slash = line.indexOf('/');
      if (slash < 0) {
        continue;
      }
      Path file = Path.of(line.substring(slash).trim());
      if (dir.equals(file.getParent()) && file.getFileName().toString().endsWith(".so")) {
        found.add(file);
      }
    }
    return found;
  }

  /** Deletes this JVM's unpacked libraries; a library Linux has mapped stays usable until exit. */
  static void delete() {
    try {
      if (!Files.isReadable(MAPS)) {
        return;
      }
      Path tempDir = Path.of(System.getProperty("java.io.tmpdir"));
      for (Path library : in(Files.readAllLines(MAPS), tempDir)) {
        Files.deleteIfExists(library);
      }
    } catch (IOException | RuntimeException e) {
      // The JVM is about to end; a library left behind is untidy, not a failed stop.
    }
  }
}
