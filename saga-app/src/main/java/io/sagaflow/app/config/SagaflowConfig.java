package io.sagaflow.app.config;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The effective configuration of one Sagaflow instance, validated.
 *
 * @param env the environment, which sets the default of {@code enabled}
 * @param enabled whether saga entrypoints accept work ({@code SAGA_ENABLED})
 * @param mode embedded broker or an external cluster
 * @param dataDir where embedded parts and local state keep their files
 * @param kafkaPort the embedded broker's port, 0 for a free one
 * @param createTopics whether missing topics are created at start
 * @param topicPartitions partitions of topics the app creates
 * @param topicReplicationFactor replication factor of topics the app creates
 * @param dlqRetention how long the dead-letter topics it creates keep a record
 * @param finishedRetention how long a finished saga stays in the stores after it ended ({@code
 *     saga.retention.finished}); empty keeps it forever
 * @param schemaRegistryUrl the schema registry; required in external mode, filled in by the
 *     embedded registry in embedded mode
 * @param autoRegister whether outbound schemas are registered on first use (off in production,
 *     where schemas are registered by the release)
 * @param participants the simulated participants
 * @param demo the seeded demo workload
 * @param http the HTTP API's address and token
 * @param health when the processor counts as crash-looping on the health routes
 * @param pluginPath the directory of saga module jars the stock runtime loads, if any
 * @param kafka Kafka client and Streams settings, keys without the {@code kafka.} prefix
 * @param settings every effective setting by its full key, for logging (see {@link #describe()})
 */
public record SagaflowConfig(
    SagaEnv env,
    boolean enabled,
    RunMode mode,
    Path dataDir,
    int kafkaPort,
    boolean createTopics,
    int topicPartitions,
    short topicReplicationFactor,
    java.time.Duration dlqRetention,
    Optional<java.time.Duration> finishedRetention,
    Optional<String> schemaRegistryUrl,
    boolean autoRegister,
    ParticipantsConfig participants,
    DemoConfig demo,
    HttpConfig http,
    HealthConfig health,
    Optional<Path> pluginPath,
    Map<String, String> kafka,
    SortedMap<String, String> settings) {

  /** Copies the maps so the record stays immutable. */
  public SagaflowConfig {
    kafka = Map.copyOf(kafka);
    settings = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(settings));
  }

  /** Kafka settings as {@link Properties}, ready for a client or Streams constructor. */
  public Properties kafkaProperties() {
    Properties props = new Properties();
    props.putAll(kafka);
    return props;
  }

  /** Returns a copy that points Kafka clients at {@code bootstrapServers}. */
  public SagaflowConfig withBootstrapServers(String bootstrapServers) {
    return withKafkaSetting("bootstrap.servers", bootstrapServers);
  }

  /** Returns a copy with the Kafka client or Streams setting {@code key} set to {@code value}. */
  public SagaflowConfig withKafkaSetting(String key, String value) {
    Map<String, String> k = new TreeMap<>(kafka);
    k.put(key, value);
    return copy(schemaRegistryUrl, k, "kafka." + key, value);
  }

  /** Returns a copy that uses the schema registry at {@code url}. */
  public SagaflowConfig withSchemaRegistryUrl(String url) {
    return copy(Optional.of(url), kafka, "saga.schema.registry.url", url);
  }

  /** A copy with the given registry and Kafka settings, recording {@code key=value} in settings. */
  private SagaflowConfig copy(
      Optional<String> registryUrl, Map<String, String> kafkaSettings, String key, String value) {
    SortedMap<String, String> s = new TreeMap<>(settings);
    s.put(key, value);
    return new SagaflowConfig(
        env,
        enabled,
        mode,
        dataDir,
        kafkaPort,
        createTopics,
        topicPartitions,
        topicReplicationFactor,
        dlqRetention,
        finishedRetention,
        registryUrl,
        autoRegister,
        participants,
        demo,
        http,
        health,
        pluginPath,
        kafkaSettings,
        s);
  }

  /** The Kafka Streams application id, which also prefixes the participants' group ids. */
  public String applicationId() {
    return kafka.getOrDefault("application.id", "sagaflow");
  }

  /** The registry URL, or a clear error when none is configured. */
  public String requireSchemaRegistryUrl() {
    return schemaRegistryUrl.orElseThrow(
        () ->
            new ConfigException(
                "No schema registry: set saga.schema.registry.url (SAGA_SCHEMA_REGISTRY_URL)."));
  }

  /** One line per setting, {@code key=value}, sorted, with secrets redacted; safe to log. */
  public String describe() {
    StringBuilder sb = new StringBuilder();
    settings.forEach(
        (key, value) ->
            sb.append("  ")
                .append(key)
                .append('=')
                .append(Secrets.redact(key, value))
                .append('\n'));
    return sb.toString();
  }
}
