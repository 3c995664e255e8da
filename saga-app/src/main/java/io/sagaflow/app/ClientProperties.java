package io.sagaflow.app;

import io.sagaflow.app.config.SagaflowConfig;
import io.sagaflow.topology.SagaStreamsConfig;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.IsolationLevel;

/**
 * Kafka client settings for the app's own plain clients (participants, demo), derived from the
 * {@code kafka.*} settings. Streams-only keys are dropped, so clients do not warn about them.
 */
public final class ClientProperties {
  private ClientProperties() {}

  /**
   * A {@code read_committed} consumer without auto-commit: it sees only what the saga processor's
   * transactions committed.
   */
  public static Properties consumer(SagaflowConfig config, String groupId) {
    Properties props = known(config, ConsumerConfig.configNames());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    props.put(
        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
        IsolationLevel.READ_COMMITTED.name().toLowerCase(java.util.Locale.ROOT));
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // A read_committed fetch that finds only uncommitted records waits up to fetch.max.wait.ms
    // (500 ms by default) before answering; the processor commits every 100 ms, so a short wait
    // keeps each saga step from paying up to half a second per hop. kafka.fetch.max.wait.ms wins.
    props.putIfAbsent(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "20");
    // As for the processor's consumers (SagaStreamsConfig): kafka.receive.buffer.bytes wins.
    props.putIfAbsent(
        ConsumerConfig.RECEIVE_BUFFER_CONFIG, SagaStreamsConfig.AUTOTUNED_RECEIVE_BUFFER);
    return props;
  }

  /** A {@code read_committed} consumer that only reads assigned partitions (no group). */
  public static Properties reader(SagaflowConfig config) {
    Properties props = known(config, ConsumerConfig.configNames());
    props.put(
        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
        IsolationLevel.READ_COMMITTED.name().toLowerCase(java.util.Locale.ROOT));
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.putIfAbsent(
        ConsumerConfig.RECEIVE_BUFFER_CONFIG, SagaStreamsConfig.AUTOTUNED_RECEIVE_BUFFER);
    return props;
  }

  /** An idempotent producer: a retried send never writes a record twice. */
  public static Properties producer(SagaflowConfig config, String clientId) {
    Properties props = known(config, ProducerConfig.configNames());
    props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    return props;
  }

  /**
   * Connection settings only (bootstrap servers, security, timeouts): the keys every client kind
   * understands, so a consumer, producer or admin client built from them warns about none.
   */
  public static java.util.Map<String, Object> connection(SagaflowConfig config) {
    Set<String> common = new java.util.HashSet<>(ConsumerConfig.configNames());
    common.retainAll(ProducerConfig.configNames());
    common.retainAll(org.apache.kafka.clients.admin.AdminClientConfig.configNames());
    java.util.Map<String, Object> out = new java.util.HashMap<>();
    known(config, common).forEach((k, v) -> out.put(String.valueOf(k), v));
    return out;
  }

  private static Properties known(SagaflowConfig config, Set<String> names) {
    Properties props = new Properties();
    config
        .kafka()
        .forEach(
            (key, value) -> {
              // Security and other client settings pass through; Streams-only keys do not.
              if (names.contains(key)) {
                props.put(key, value);
              }
            });
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    props.remove(ConsumerConfig.ISOLATION_LEVEL_CONFIG);
    props.remove(ConsumerConfig.CLIENT_ID_CONFIG);
    return props;
  }
}
