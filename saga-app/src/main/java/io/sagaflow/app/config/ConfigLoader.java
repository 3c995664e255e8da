package io.sagaflow.app.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Builds the effective {@link SagaflowConfig} from three layers, each overriding the one before:
 * the defaults resource, environment variables, then command-line settings.
 *
 * <p>Environment variables map predictably: {@code SAGA_TOPICS_PARTITIONS} becomes {@code
 * saga.topics.partitions} and {@code KAFKA_BOOTSTRAP_SERVERS} becomes {@code
 * kafka.bootstrap.servers}, which is handed to Kafka as {@code bootstrap.servers}. Unknown {@code
 * saga.*} settings are errors, so a typo fails at start-up instead of being ignored.
 */
public final class ConfigLoader {
  static final String DEFAULTS_RESOURCE = "/sagaflow-defaults.properties";

  /** Every {@code saga.*} setting there is; docs/configuration.md describes each. */
  public static final Set<String> SAGA_SETTINGS =
      Set.of(
          "saga.env",
          "saga.enabled",
          "saga.mode",
          "saga.data.dir",
          "saga.kafka.port",
          "saga.topics.create",
          "saga.topics.partitions",
          "saga.topics.replication.factor");

  // Variables of Kafka's own shell scripts, not client settings.
  private static final Set<String> KAFKA_SCRIPT_VARIABLES =
      Set.of(
          "KAFKA_HEAP_OPTS",
          "KAFKA_OPTS",
          "KAFKA_JVM_PERFORMANCE_OPTS",
          "KAFKA_LOG4J_OPTS",
          "KAFKA_JMX_OPTS",
          "KAFKA_GC_LOG_OPTS",
          "KAFKA_DEBUG",
          "KAFKA_HOME");

  private ConfigLoader() {}

  /**
   * Loads the configuration.
   *
   * @param environment the process environment (pass {@code System.getenv()})
   * @param overrides command-line settings by full key, e.g. {@code saga.env -> production}
   * @throws ConfigException naming the first invalid or unknown setting
   */
  public static SagaflowConfig load(
      Map<String, String> environment, Map<String, String> overrides) {
    SortedMap<String, String> raw = new TreeMap<>(defaults());
    raw.putAll(fromEnvironment(environment));
    for (Map.Entry<String, String> e : overrides.entrySet()) {
      raw.put(checkKey(e.getKey(), "command line"), e.getValue());
    }
    return resolve(raw);
  }

  /** Maps {@code SAGA_*} and {@code KAFKA_*} variables onto setting keys. */
  static Map<String, String> fromEnvironment(Map<String, String> environment) {
    Map<String, String> result = new TreeMap<>();
    environment.forEach(
        (name, value) -> {
          if (name.startsWith("SAGA_")) {
            result.put(checkKey(toKey(name), "environment variable " + name), value);
          } else if (name.startsWith("KAFKA_") && !KAFKA_SCRIPT_VARIABLES.contains(name)) {
            result.put(toKey(name), value);
          }
        });
    return result;
  }

  private static String toKey(String variable) {
    return variable.toLowerCase(Locale.ROOT).replace('_', '.');
  }

  private static String checkKey(String key, String source) {
    if (key.startsWith("kafka.") && key.length() > "kafka.".length()) {
      return key;
    }
    if (!SAGA_SETTINGS.contains(key)) {
      throw new ConfigException(
          "Unknown setting '"
              + key
              + "' (from "
              + source
              + "). Known settings: "
              + new TreeSet<>(SAGA_SETTINGS)
              + ", or kafka.* for Kafka client settings.");
    }
    return key;
  }

  private static SagaflowConfig resolve(SortedMap<String, String> raw) {
    RunMode mode = parseEnum(raw, "saga.mode", RunMode.class);
    SagaEnv env =
        Optional.ofNullable(raw.get("saga.env"))
            .map(v -> parseEnum(raw, "saga.env", SagaEnv.class))
            .orElse(mode == RunMode.EMBEDDED ? SagaEnv.PREVIEW : SagaEnv.PRODUCTION);
    raw.put("saga.env", env.settingValue());
    boolean enabled =
        raw.containsKey("saga.enabled")
            ? parseBoolean(raw, "saga.enabled")
            : env == SagaEnv.PREVIEW;
    raw.put("saga.enabled", Boolean.toString(enabled));

    Map<String, String> kafka = new TreeMap<>();
    raw.forEach(
        (key, value) -> {
          if (key.startsWith("kafka.")) {
            kafka.put(key.substring("kafka.".length()), value);
          }
        });
    if (mode == RunMode.EXTERNAL && isBlank(kafka.get("bootstrap.servers"))) {
      throw new ConfigException(
          "kafka.bootstrap.servers is required when saga.mode=external: set KAFKA_BOOTSTRAP_SERVERS"
              + " (for example host1:9092,host2:9092) or run with saga.mode=embedded.");
    }
    return new SagaflowConfig(
        env,
        enabled,
        mode,
        parsePath(raw, "saga.data.dir"),
        parseInt(raw, "saga.kafka.port", 0, 65535),
        parseBoolean(raw, "saga.topics.create"),
        parseInt(raw, "saga.topics.partitions", 1, 10_000),
        (short) parseInt(raw, "saga.topics.replication.factor", 1, Short.MAX_VALUE),
        kafka,
        raw);
  }

  private static <E extends Enum<E>> E parseEnum(
      Map<String, String> raw, String key, Class<E> type) {
    String value = required(raw, key).trim();
    for (E constant : type.getEnumConstants()) {
      if (constant.name().equalsIgnoreCase(value)) {
        return constant;
      }
    }
    StringBuilder allowed = new StringBuilder();
    for (E constant : type.getEnumConstants()) {
      allowed
          .append(allowed.length() == 0 ? "" : ", ")
          .append(constant.name().toLowerCase(Locale.ROOT));
    }
    throw new ConfigException(
        "Invalid value '" + value + "' for " + key + ": expected one of " + allowed + ".");
  }

  private static boolean parseBoolean(Map<String, String> raw, String key) {
    String value = required(raw, key).trim().toLowerCase(Locale.ROOT);
    return switch (value) {
      case "true" -> true;
      case "false" -> false;
      default ->
          throw new ConfigException(
              "Invalid value '" + value + "' for " + key + ": expected true or false.");
    };
  }

  private static int parseInt(Map<String, String> raw, String key, int min, int max) {
    String value = required(raw, key).trim();
    try {
      int n = Integer.parseInt(value);
      if (n < min || n > max) {
        throw new ConfigException(
            "Invalid value " + n + " for " + key + ": expected " + min + " to " + max + ".");
      }
      return n;
    } catch (NumberFormatException e) {
      throw new ConfigException(
          "Invalid value '" + value + "' for " + key + ": expected a whole number.");
    }
  }

  private static Path parsePath(Map<String, String> raw, String key) {
    String value = required(raw, key);
    try {
      return Path.of(value.trim());
    } catch (InvalidPathException e) {
      throw new ConfigException("Invalid path '" + value + "' for " + key + ": " + e.getReason());
    }
  }

  private static String required(Map<String, String> raw, String key) {
    String value = raw.get(key);
    if (isBlank(value)) {
      throw new ConfigException("Setting " + key + " is empty; give it a value or leave it unset.");
    }
    return value;
  }

  private static boolean isBlank(String value) {
    return value == null || value.isBlank();
  }

  private static Map<String, String> defaults() {
    Properties props = new Properties();
    try (InputStream in = ConfigLoader.class.getResourceAsStream(DEFAULTS_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(DEFAULTS_RESOURCE + " is missing from the classpath");
      }
      props.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + DEFAULTS_RESOURCE, e);
    }
    Map<String, String> result = new TreeMap<>();
    props.stringPropertyNames().forEach(k -> result.put(k, props.getProperty(k)));
    return result;
  }
}
