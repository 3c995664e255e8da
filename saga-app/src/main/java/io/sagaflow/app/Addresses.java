package io.sagaflow.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a running instance can be reached: what a user needs to produce to it, query it and look at
 * it. Printed as one block at start-up and written to {@code <data dir>/addresses.properties}, so
 * scripts and people need not fish it out of the log.
 *
 * @param bootstrapServers the Kafka cluster
 * @param schemaRegistryUrl the schema registry, "-" when none is configured
 * @param httpUrl the HTTP API's base URL
 */
record Addresses(String bootstrapServers, String schemaRegistryUrl, String httpUrl) {

  /** The file name under the data directory. */
  static final String FILE = "addresses.properties";

  /** Setting-like keys and values, in the order the block shows them. */
  Map<String, String> entries() {
    Map<String, String> entries = new LinkedHashMap<>();
    entries.put("kafka.bootstrap.servers", bootstrapServers);
    entries.put("schema.registry.url", schemaRegistryUrl);
    entries.put("http.api.url", httpUrl);
    entries.put("status.page.url", httpUrl + "/ui");
    return entries;
  }

  /** The start-up block, one address per line. */
  String block() {
    StringBuilder sb = new StringBuilder("Sagaflow is up:\n");
    sb.append(String.format("  Kafka bootstrap servers  %s%n", bootstrapServers));
    sb.append(String.format("  Schema registry          %s%n", schemaRegistryUrl));
    sb.append(String.format("  HTTP API                 %s  (GET /sagas, /sagas/{id})%n", httpUrl));
    sb.append(String.format("  Status page              %s/ui%n", httpUrl));
    return sb.toString();
  }

  /**
   * Writes the entries to {@code dataDir}/{@value #FILE}, replacing it whole (written beside, then
   * moved), so a reader never sees half a file.
   */
  Path writeTo(Path dataDir) {
    StringBuilder sb = new StringBuilder("# Addresses of the running Sagaflow instance\n");
    entries().forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
    try {
      Files.createDirectories(dataDir);
      Path target = dataDir.resolve(FILE);
      Path temp = Files.createTempFile(dataDir, FILE, ".tmp");
      Files.writeString(temp, sb.toString(), StandardCharsets.UTF_8);
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + FILE + " under " + dataDir, e);
    }
  }
}
