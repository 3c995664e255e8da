package io.sagaflow.app;

import io.sagaflow.app.TopicProvisioner.TopicSpec;
import io.sagaflow.app.config.SagaflowConfig;
import io.sagaflow.topology.SagaTopology;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;

/**
 * The changelog topics of the processor's stores, as Kafka Streams would create them: named {@code
 * <application.id>-<store>-changelog}, as many partitions as the largest source topic of the
 * store's subtopology (one partition per task), compacted, with create-time timestamps, and the
 * {@code topic.*} settings of the Streams configuration over those.
 *
 * <p>The app creates them itself, before Kafka Streams starts, because Streams creates them in the
 * middle of its first rebalance and lists their end offsets right after, before the brokers show
 * them; Kafka's admin client logs every such "unknown topic" answer at ERROR while Streams retries.
 * Topics made the way Streams would make them pass its own checks (partition count, no {@code
 * delete} in the cleanup policy) on every start; existing topics are never changed.
 *
 * <p>Every store of the saga topology gets a changelog but those in {@link
 * SagaTopology#UNLOGGED_STORES}, which are rebuilt from the others.
 */
final class ProcessorChangelogs {
  private ProcessorChangelogs() {}

  /**
   * Creates the changelogs of {@code topology} that do not exist yet and waits until the cluster
   * shows them.
   */
  static void ensure(SagaflowConfig config, Topology topology) {
    TopologyDescription description = topology.describe();
    Map<String, Integer> partitions = partitionCounts(config, sourceTopics(description));
    TopicProvisioner.ensure(
        config, specs(config.applicationId(), description, config.kafka(), partitions));
  }

  private static Map<String, Integer> partitionCounts(SagaflowConfig config, Set<String> topics) {
    long timeout = TopicProvisioner.timeoutMillis(config);
    try (Admin admin = Admin.create(config.kafkaProperties())) {
      Map<String, Integer> counts = new HashMap<>();
      admin
          .describeTopics(topics)
          .allTopicNames()
          .get(timeout, TimeUnit.MILLISECONDS)
          .forEach((topic, description) -> counts.put(topic, description.partitions().size()));
      return counts;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while reading the source topics", e);
    } catch (ExecutionException | TimeoutException e) {
      Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
      throw new StartupException(
          "Could not read the partitions of the saga processor's source topics "
              + topics
              + ", which size its changelog topics: "
              + cause.getMessage()
              + ". Check that they exist and that this client may describe topics.",
          e);
    }
  }

  /** The source topics of every subtopology that has a store: their counts size the changelogs. */
  static Set<String> sourceTopics(TopologyDescription topology) {
    Set<String> topics = new TreeSet<>();
    for (TopologyDescription.Subtopology sub : topology.subtopologies()) {
      if (!stores(sub).isEmpty() && !patterned(sub)) {
        topics.addAll(sources(sub));
      }
    }
    return topics;
  }

  /**
   * One spec per store of {@code topology}.
   *
   * @param streamsConfig the Kafka settings the processor runs with ({@code topic.*} ones apply)
   * @param partitions the partition count of each of {@link #sourceTopics}
   */
  static List<TopicSpec> specs(
      String applicationId,
      TopologyDescription topology,
      Map<String, String> streamsConfig,
      Map<String, Integer> partitions) {
    Map<String, String> configs = new HashMap<>();
    configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
    configs.put(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "CreateTime");
    streamsConfig.forEach(
        (key, value) -> {
          if (key.startsWith(StreamsConfig.TOPIC_PREFIX)) {
            configs.put(key.substring(StreamsConfig.TOPIC_PREFIX.length()), value);
          }
        });
    // Streams creates its topics with its own replication.factor when one is set.
    OptionalInt replication = replication(streamsConfig);
    List<TopicSpec> specs = new ArrayList<>();
    for (TopologyDescription.Subtopology sub : topology.subtopologies()) {
      if (patterned(sub)) {
        // Its task count depends on topics that match later: Kafka Streams sizes these itself.
        continue;
      }
      if (stores(sub).isEmpty()) {
        // No changelog to create (the rollout observer only reads the global store); its sources
        // are not among those whose partitions were read.
        continue;
      }
      int count =
          sources(sub).stream()
              .mapToInt(
                  topic -> {
                    Integer known = partitions.get(topic);
                    if (known == null) {
                      throw new IllegalArgumentException("No partition count for " + topic);
                    }
                    return known;
                  })
              .max()
              .orElse(0);
      for (String store : stores(sub)) {
        if (SagaTopology.UNLOGGED_STORES.contains(store)) {
          continue;
        }
        specs.add(
            new TopicSpec(
                applicationId + "-" + store + "-changelog",
                configs,
                OptionalInt.of(count),
                replication));
      }
    }
    return specs;
  }

  private static Set<String> stores(TopologyDescription.Subtopology sub) {
    Set<String> stores = new TreeSet<>();
    for (TopologyDescription.Node node : sub.nodes()) {
      if (node instanceof TopologyDescription.Processor processor) {
        stores.addAll(processor.stores());
      }
    }
    return stores;
  }

  private static OptionalInt replication(Map<String, String> streamsConfig) {
    String value = streamsConfig.get(StreamsConfig.REPLICATION_FACTOR_CONFIG);
    if (value == null) {
      return OptionalInt.empty();
    }
    try {
      return OptionalInt.of(Integer.parseInt(value.strip()));
    } catch (NumberFormatException e) {
      // Kafka Streams rejects it by name when it starts.
      return OptionalInt.empty();
    }
  }

  private static boolean patterned(TopologyDescription.Subtopology sub) {
    return sub.nodes().stream()
        .anyMatch(n -> n instanceof TopologyDescription.Source s && s.topicPattern() != null);
  }

  private static Set<String> sources(TopologyDescription.Subtopology sub) {
    Set<String> topics = new TreeSet<>();
    for (TopologyDescription.Node node : sub.nodes()) {
      if (node instanceof TopologyDescription.Source source && source.topicSet() != null) {
        topics.addAll(source.topicSet());
      }
    }
    return topics;
  }
}
