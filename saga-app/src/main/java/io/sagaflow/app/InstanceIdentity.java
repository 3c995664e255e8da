package io.sagaflow.app;

import io.sagaflow.app.config.ConfigException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The processor's static group membership: a member id kept in {@code <data dir>/instance.id}, so
 * an instance that restarts on the same data directory (after kill -9, an OOM, a node reboot) is
 * the same group member and takes its partitions back at once. A dynamic member that crashed would
 * hold them, unanswered, until its session timed out (45 s by default).
 *
 * <p>The data directory is already one instance's own (Kafka Streams locks its state there), which
 * is what makes it the right home for the id: two live processes never share one.
 */
final class InstanceIdentity {
  static final String FILE = "instance.id";
  static final String GROUP_INSTANCE_ID = "group.instance.id";
  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._-]{1,200}");

  private InstanceIdentity() {}

  /**
   * The {@code group.instance.id} to use: the one the operator set ({@code
   * kafka.group.instance.id}), else the one stored under {@code dataDir}, created on first use.
   */
  static String groupInstanceId(Map<String, String> kafka, Path dataDir) {
    String configured = kafka.get(GROUP_INSTANCE_ID);
    if (configured != null && !configured.isBlank()) {
      return configured.strip();
    }
    Path file = dataDir.resolve(FILE);
    try {
      if (Files.exists(file)) {
        String stored = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (VALID.matcher(stored).matches()) {
          return stored;
        }
        throw new ConfigException(
            file
                + " holds '"
                + stored
                + "', not an instance id (letters, digits, '.', '_', '-'); delete the file to get a"
                + " new one");
      }
      Files.createDirectories(dataDir);
      String created = "sagaflow-" + UUID.randomUUID();
      Path temp = Files.createTempFile(dataDir, FILE, ".tmp");
      Files.writeString(temp, created + "\n", StandardCharsets.UTF_8);
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
      return created;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read or create " + file, e);
    }
  }
}
