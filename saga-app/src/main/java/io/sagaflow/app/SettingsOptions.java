package io.sagaflow.app;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Command-line options that override settings; shared by commands through a picocli mixin. Each
 * option is a shorthand for one {@code --set key=value}.
 */
final class SettingsOptions {
  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description = "Override any setting, e.g. --set saga.topics.partitions=8 (repeatable).")
  Map<String, String> settings = new LinkedHashMap<>();

  @Option(names = "--env", description = "preview or production (saga.env).")
  String env;

  @Option(names = "--enabled", arity = "1", description = "true or false (saga.enabled).")
  String enabled;

  @Option(names = "--mode", description = "embedded or external (saga.mode).")
  String mode;

  @Option(names = "--data-dir", description = "Directory for local data (saga.data.dir).")
  Path dataDir;

  @Option(
      names = "--bootstrap-servers",
      description = "Kafka cluster address (kafka.bootstrap.servers); implies nothing about mode.")
  String bootstrapServers;

  @Option(
      names = "--plugin-path",
      paramLabel = "DIR",
      description =
          "Directory of saga module jars to load, each jar (or sub-directory of jars) one plugin"
              + " (saga.plugin.path).")
  Path pluginPath;

  Map<String, String> overrides() {
    Map<String, String> result = new LinkedHashMap<>(settings);
    putIfSet(result, "saga.env", env);
    putIfSet(result, "saga.enabled", enabled);
    putIfSet(result, "saga.mode", mode);
    putIfSet(result, "saga.data.dir", dataDir == null ? null : dataDir.toString());
    putIfSet(result, "kafka.bootstrap.servers", bootstrapServers);
    putIfSet(result, "saga.plugin.path", pluginPath == null ? null : pluginPath.toString());
    return result;
  }

  private static void putIfSet(Map<String, String> target, String key, String value) {
    if (value != null) {
      target.put(key, value);
    }
  }
}
