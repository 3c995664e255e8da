package io.sagaflow.app;

import io.sagaflow.app.config.ConfigException;
import io.sagaflow.app.config.SagaflowConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates the topics Sagaflow needs if they do not exist yet; existing topics are left alone. */
final class TopicProvisioner {
  private static final Logger LOG = LoggerFactory.getLogger(TopicProvisioner.class);
  private static final long TIMEOUT_MS = 60_000;

  private TopicProvisioner() {}

  /**
   * Creates each missing topic of {@code specs} with the configured partitions and replication.
   *
   * @return the names of the topics this call created
   */
  static List<String> ensure(SagaflowConfig config, List<TopicSpec> specs) {
    // The admin client's own bound (kafka.default.api.timeout.ms) bounds the wait too, so one
    // setting says how long start-up waits for the cluster.
    long timeout = timeoutMillis(config);
    try (Admin admin = Admin.create(config.kafkaProperties())) {
      Set<String> existing = admin.listTopics().names().get(timeout, TimeUnit.MILLISECONDS);
      List<NewTopic> missing = new ArrayList<>();
      for (TopicSpec spec : specs) {
        if (!existing.contains(spec.name())) {
          missing.add(
              new NewTopic(spec.name(), config.topicPartitions(), config.topicReplicationFactor())
                  .configs(spec.configs()));
        }
      }
      if (!missing.isEmpty()) {
        admin.createTopics(missing).all().get(timeout, TimeUnit.MILLISECONDS);
      }
      List<String> created = missing.stream().map(NewTopic::name).toList();
      LOG.info("Topics ready: {} (created now: {})", names(specs), created);
      return created;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while creating topics", e);
    } catch (ExecutionException | TimeoutException e) {
      Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
      String servers = config.kafka().get("bootstrap.servers");
      if (cause instanceof org.apache.kafka.common.errors.TimeoutException
          || e instanceof TimeoutException) {
        throw new StartupException(
            "Cannot reach the Kafka cluster at "
                + servers
                + " within "
                + timeout
                + " ms ("
                + cause.getMessage()
                + "). Check kafka.bootstrap.servers (KAFKA_BOOTSTRAP_SERVERS), that the cluster is"
                + " up, and the security settings (kafka.security.protocol, ...).",
            e);
      }
      throw new StartupException(
          "Could not create topics "
              + names(specs)
              + " on "
              + servers
              + ": "
              + cause.getMessage()
              + ". Check that this client may create topics, or create them beforehand and set"
              + " saga.topics.create=false.",
          e);
    }
  }

  static long timeoutMillis(SagaflowConfig config) {
    String value = config.kafka().get("default.api.timeout.ms");
    if (value == null) {
      return TIMEOUT_MS;
    }
    try {
      long millis = Long.parseLong(value.strip());
      if (millis > 0) {
        return millis;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new ConfigException(
        "Invalid value '"
            + value
            + "' for kafka.default.api.timeout.ms: expected milliseconds > 0.");
  }

  private static List<String> names(List<TopicSpec> specs) {
    return specs.stream().map(TopicSpec::name).toList();
  }

  /** A topic the app needs and the topic-level configs it is created with. */
  record TopicSpec(String name, Map<String, String> configs) {
    TopicSpec {
      configs = Map.copyOf(configs);
    }
  }
}
