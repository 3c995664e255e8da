package io.sagaflow.app;

import io.sagaflow.app.config.SagaflowConfig;
import io.sagaflow.topology.SagaTopics;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * How many partitions the processor's input topics have, read from the cluster at start. The
 * topology needs the count to tell an input on a partition that does not own its saga id (a
 * producer with another partitioner than Kafka's default) from one in place; topics may have been
 * created by anyone, with any count. A saga's requests and replies must meet in one task, so the
 * two topics must have the same count.
 */
final class InputPartitions {
  static final List<String> TOPICS = List.of(SagaTopics.REQUESTS, SagaTopics.REPLIES);

  private InputPartitions() {}

  /**
   * The partition count that saga.requests and saga.replies share.
   *
   * @throws StartupException when a topic is missing, the counts differ, or the cluster cannot be
   *     reached
   */
  static int read(SagaflowConfig config) {
    long timeout = TopicProvisioner.timeoutMillis(config);
    try (Admin admin = Admin.create(config.kafkaProperties())) {
      Map<String, TopicDescription> described =
          admin.describeTopics(TOPICS).allTopicNames().get(timeout, TimeUnit.MILLISECONDS);
      Map<String, Integer> counts = new LinkedHashMap<>();
      TOPICS.forEach(t -> counts.put(t, described.get(t).partitions().size()));
      return shared(counts);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while reading the input topics", e);
    } catch (ExecutionException | TimeoutException e) {
      Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
      if (cause instanceof UnknownTopicOrPartitionException) {
        throw new StartupException(
            "The saga processor's input topics "
                + TOPICS
                + " do not all exist on "
                + config.kafka().get("bootstrap.servers")
                + " ("
                + cause.getMessage()
                + "). Create them with the same number of partitions, or set"
                + " saga.topics.create=true.",
            e);
      }
      throw new StartupException(
          "Could not read the partitions of "
              + TOPICS
              + " from "
              + config.kafka().get("bootstrap.servers")
              + " within "
              + timeout
              + " ms: "
              + cause.getMessage()
              + ". Check that the cluster is up and that this client may describe topics.",
          e);
    }
  }

  /** The one count all {@code counts} share; a processor cannot run on topics that differ. */
  static int shared(Map<String, Integer> counts) {
    if (counts.values().stream().distinct().count() != 1) {
      throw new StartupException(
          "The saga processor's input topics must have the same number of partitions, so that a"
              + " saga's requests and replies meet in one task; they have "
              + counts
              + ". Add partitions to the smaller one (kafka-topics --alter --partitions N) before"
              + " any saga is started, or recreate both with one count.",
          null);
    }
    return counts.values().iterator().next();
  }
}
