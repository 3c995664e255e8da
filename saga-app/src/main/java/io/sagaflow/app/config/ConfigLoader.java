package io.sagaflow.app.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
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
          "saga.topics.replication.factor",
          "saga.dlq.retention.days",
          "saga.retention.finished",
          "saga.schema.registry.url",
          "saga.schema.auto.register",
          "saga.participants.enabled",
          "saga.participants.seed",
          "saga.participants.latency.ms",
          "saga.participants.decline.rate",
          "saga.participants.retriable.failure.rate",
          "saga.participants.silence.rate",
          "saga.participants.duplicate.reply.rate",
          "saga.participants.late.reply.rate",
          "saga.participants.garbage.reply.rate",
          "saga.participants.disabled",
          "saga.plugin.path",
          "saga.demo.enabled",
          "saga.demo.sagas",
          "saga.demo.timeout.seconds",
          "saga.demo.run.id",
          "saga.http.host",
          "saga.http.port",
          "saga.http.token",
          "saga.http.token.on.reads",
          "saga.rollout.webhook.url",
          "saga.rollout.webhook.token",
          "saga.health.thread.replacements.max",
          "saga.health.thread.replacements.window.seconds");

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

  /**
   * Read by the logging configuration (logback.xml) when the JVM starts, before any setting is
   * loaded: environment variables, not settings, so {@code --set} cannot promise to change them.
   */
  static final Set<String> LOGGING_VARIABLES = Set.of("SAGA_LOG_FORMAT", "SAGA_LOG_LEVEL");

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
    return resolve(layers(environment, overrides), true);
  }

  /**
   * Loads the configuration of a tool that talks to no Kafka cluster ({@code sagaflow schemas}):
   * the same layers and checks, except that external mode does not demand the cluster's and the
   * registry's addresses; the tool asks for what it needs itself.
   */
  public static SagaflowConfig loadWithoutCluster(
      Map<String, String> environment, Map<String, String> overrides) {
    return resolve(layers(environment, overrides), false);
  }

  private static SortedMap<String, String> layers(
      Map<String, String> environment, Map<String, String> overrides) {
    SortedMap<String, String> raw = new TreeMap<>(defaults());
    raw.putAll(fromEnvironment(environment));
    for (Map.Entry<String, String> e : overrides.entrySet()) {
      raw.put(checkKey(e.getKey(), "command line"), e.getValue());
    }
    return raw;
  }

  /** Maps {@code SAGA_*} and {@code KAFKA_*} variables onto setting keys. */
  static Map<String, String> fromEnvironment(Map<String, String> environment) {
    Map<String, String> result = new TreeMap<>();
    environment.forEach(
        (name, value) -> {
          if (LOGGING_VARIABLES.contains(name)) {
            return;
          }
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

  private static SagaflowConfig resolve(SortedMap<String, String> raw, boolean needsCluster) {
    RawSettings read = new RawSettings(raw);
    RunMode mode = read.enumValue("saga.mode", RunMode.class);
    SagaEnv env =
        read.optional("saga.env")
            .map(v -> read.enumValue("saga.env", SagaEnv.class))
            .orElse(mode == RunMode.EMBEDDED ? SagaEnv.PREVIEW : SagaEnv.PRODUCTION);
    boolean preview = env == SagaEnv.PREVIEW;
    raw.put("saga.env", env.settingValue());
    boolean enabled = putBoolean(raw, read, "saga.enabled", preview);
    boolean autoRegister = putBoolean(raw, read, "saga.schema.auto.register", preview);

    Map<String, String> kafka = new TreeMap<>();
    raw.forEach(
        (key, value) -> {
          if (key.startsWith("kafka.")) {
            kafka.put(key.substring("kafka.".length()), value);
          }
        });
    Optional<String> registryUrl = read.optional("saga.schema.registry.url");
    if (mode == RunMode.EXTERNAL && needsCluster) {
      if (isBlank(kafka.get("bootstrap.servers"))) {
        throw new ConfigException(
            "kafka.bootstrap.servers is required when saga.mode=external: set"
                + " KAFKA_BOOTSTRAP_SERVERS (for example host1:9092,host2:9092) or run with"
                + " saga.mode=embedded.");
      }
      if (registryUrl.isEmpty()) {
        throw new ConfigException(
            "saga.schema.registry.url is required when saga.mode=external: set"
                + " SAGA_SCHEMA_REGISTRY_URL (for example http://registry:8081) or run with"
                + " saga.mode=embedded, which starts its own registry.");
      }
    }
    return new SagaflowConfig(
        env,
        enabled,
        mode,
        read.path("saga.data.dir"),
        read.integer("saga.kafka.port", 0, 65535),
        read.bool("saga.topics.create"),
        read.integer("saga.topics.partitions", 1, 10_000),
        (short) read.integer("saga.topics.replication.factor", 1, Short.MAX_VALUE),
        java.time.Duration.ofDays(read.integer("saga.dlq.retention.days", 1, 3650)),
        read.retention("saga.retention.finished"),
        registryUrl,
        autoRegister,
        participants(raw, read, preview),
        demo(raw, read, preview),
        http(read),
        new HealthConfig(
            read.integer("saga.health.thread.replacements.max", 0, 1_000),
            read.seconds("saga.health.thread.replacements.window.seconds", 1, 86_400)),
        read.optional("saga.plugin.path").map(v -> read.path("saga.plugin.path")),
        kafka,
        raw);
  }

  private static HttpConfig http(RawSettings read) {
    Optional<String> token = read.optional("saga.http.token");
    boolean tokenOnReads = read.bool("saga.http.token.on.reads", false);
    // Refused rather than ignored: reads the operator believes guarded must not be served open.
    if (tokenOnReads && token.isEmpty()) {
      throw new ConfigException(
          "saga.http.token.on.reads=true needs saga.http.token, the token reads are checked"
              + " against: set SAGA_HTTP_TOKEN as well, or set SAGA_HTTP_TOKEN_ON_READS=false.");
    }
    return new HttpConfig(
        read.optional("saga.http.host").orElse("127.0.0.1"),
        read.integer("saga.http.port", 0, 65535),
        token,
        tokenOnReads);
  }

  private static ParticipantsConfig participants(
      SortedMap<String, String> raw, RawSettings read, boolean preview) {
    return new ParticipantsConfig(
        putBoolean(raw, read, "saga.participants.enabled", preview),
        read.longValue("saga.participants.seed", Long.MIN_VALUE, Long.MAX_VALUE),
        read.millis("saga.participants.latency.ms", 60_000),
        read.rate("saga.participants.decline.rate"),
        read.rate("saga.participants.retriable.failure.rate"),
        read.rate("saga.participants.silence.rate"),
        read.rate("saga.participants.duplicate.reply.rate"),
        read.rate("saga.participants.late.reply.rate"),
        read.rate("saga.participants.garbage.reply.rate"),
        read.optional("saga.participants.disabled").stream()
            .flatMap(v -> java.util.Arrays.stream(v.split(",")))
            .map(String::trim)
            .filter(v -> !v.isEmpty())
            .collect(java.util.stream.Collectors.toSet()));
  }

  private static DemoConfig demo(SortedMap<String, String> raw, RawSettings read, boolean preview) {
    return new DemoConfig(
        putBoolean(raw, read, "saga.demo.enabled", preview),
        read.integer("saga.demo.sagas", 0, 10_000_000),
        read.seconds("saga.demo.timeout.seconds", 1, 86_400),
        read.optional("saga.demo.run.id"));
  }

  // Settings whose default depends on the environment are written back, so the log shows them.
  private static boolean putBoolean(
      SortedMap<String, String> raw, RawSettings read, String key, boolean fallback) {
    boolean value = read.bool(key, fallback);
    raw.put(key, Boolean.toString(value));
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
