package io.sagaflow.app;

import io.sagaflow.app.config.ConfigException;
import io.sagaflow.app.config.SagaflowConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates the topics Sagaflow needs if they do not exist yet; existing topics are left alone. */
final class TopicProvisioner {
  private static final Logger LOG = LoggerFactory.getLogger(TopicProvisioner.class);
  private static final long TIMEOUT_MS = 60_000;
  private static final long VISIBLE_POLL_MS = 50;

  private TopicProvisioner() {}

  /**
   * Creates each missing topic of {@code specs} with its own partition count and replication
   * factor, or else the configured ones, then waits until the broker answers for every partition of
   * each topic it created.
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
              new NewTopic(
                      spec.name(),
                      spec.partitions().orElse(config.topicPartitions()),
                      (short) spec.replicationFactor().orElse(config.topicReplicationFactor()))
                  .configs(spec.configs()));
        }
      }
      if (!missing.isEmpty()) {
        admin.createTopics(missing).all().get(timeout, TimeUnit.MILLISECONDS);
      }
      List<String> created = missing.stream().map(NewTopic::name).toList();
      awaitVisible(admin, created, timeout);
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

  /**
   * A created topic is committed by the controller before the brokers' metadata shows it. A client
   * that looks it up in between (Kafka Streams listing the end offsets of its changelogs, a
   * producer) is told it does not exist: it retries, but Kafka's admin client logs each answer at
   * ERROR. So start-up goes on only once every partition of every created topic has a leader.
   */
  private static void awaitVisible(Admin admin, List<String> created, long timeout)
      throws InterruptedException, ExecutionException, TimeoutException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeout);
    List<String> waiting = created;
    while (!waiting.isEmpty()) {
      waiting = notYetVisible(admin, waiting, timeout);
      if (waiting.isEmpty()) {
        return;
      }
      if (System.nanoTime() - deadline > 0) {
        throw new StartupException(
            "Topics "
                + waiting
                + " were created, but the cluster did not show all their partitions with a leader"
                + " within "
                + timeout
                + " ms. Check the brokers' health (kafka-topics --describe), then start again.",
            null);
      }
      Thread.sleep(VISIBLE_POLL_MS);
    }
  }

  private static List<String> notYetVisible(Admin admin, List<String> topics, long timeout)
      throws InterruptedException, ExecutionException, TimeoutException {
    List<String> waiting = new ArrayList<>();
    Map<String, KafkaFuture<TopicDescription>> described =
        admin.describeTopics(topics).topicNameValues();
    for (String topic : topics) {
      try {
        TopicDescription description = described.get(topic).get(timeout, TimeUnit.MILLISECONDS);
        if (description.partitions().isEmpty()
            || description.partitions().stream().anyMatch(TopicProvisioner::leaderless)) {
          waiting.add(topic);
        }
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
          throw e;
        }
        waiting.add(topic);
      }
    }
    return waiting;
  }

  private static boolean leaderless(TopicPartitionInfo partition) {
    return partition.leader() == null || partition.leader().isEmpty();
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

  /**
   * A topic the app needs, the topic-level configs it is created with, and its partition count and
   * replication factor when the topic must have its own rather than {@code saga.topics.partitions}
   * and {@code saga.topics.replication.factor}.
   */
  record TopicSpec(
      String name,
      Map<String, String> configs,
      OptionalInt partitions,
      OptionalInt replicationFactor) {
    TopicSpec {
      configs = Map.copyOf(configs);
    }

    TopicSpec(String name, Map<String, String> configs) {
      this(name, configs, OptionalInt.empty(), OptionalInt.empty());
    }
  }
}
