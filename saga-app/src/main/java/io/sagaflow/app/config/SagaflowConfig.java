package io.sagaflow.app.config;

import java.nio.file.Path;
import java.util.Map;
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
    Map<String, String> k = new TreeMap<>(kafka);
    k.put("bootstrap.servers", bootstrapServers);
    SortedMap<String, String> s = new TreeMap<>(settings);
    s.put("kafka.bootstrap.servers", bootstrapServers);
    return new SagaflowConfig(
        env,
        enabled,
        mode,
        dataDir,
        kafkaPort,
        createTopics,
        topicPartitions,
        topicReplicationFactor,
        k,
        s);
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
