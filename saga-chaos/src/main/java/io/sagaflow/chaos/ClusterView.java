package io.sagaflow.chaos;

import io.sagaflow.chaos.Deployment.Processor;
import io.sagaflow.topology.SagaTopics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/**
 * What the runner asks the broker while faults land: which partitions a processor owns, and where
 * saga.events ends. One admin client for the run; it reconnects across broker restarts.
 */
final class ClusterView implements AutoCloseable {
  private static final long CALL_SECONDS = 60;

  private final Admin admin;
  private final String applicationId;

  ClusterView(String bootstrapServers, String applicationId) {
    this.admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                Long.toString(TimeUnit.SECONDS.toMillis(CALL_SECONDS))));
    this.applicationId = applicationId;
  }

  /**
   * The saga.events partitions whose inputs {@code processor} owns now, as the group coordinator
   * assigned them (a saga's inputs and events share its partition number); empty when it holds none
   * or the group cannot be described, and the caller then times on every partition.
   */
  Set<Integer> partitionsOf(Processor processor) throws InterruptedException {
    try {
      String instanceId =
          Files.readString(processor.dataDir().resolve("instance.id"), StandardCharsets.UTF_8)
              .strip();
      ConsumerGroupDescription group =
          admin
              .describeConsumerGroups(List.of(applicationId))
              .describedGroups()
              .get(applicationId)
              .get(CALL_SECONDS, TimeUnit.SECONDS);
      Set<Integer> partitions = new HashSet<>();
      for (MemberDescription member : group.members()) {
        // Kafka Streams appends the thread's index to the configured instance id.
        if (member.groupInstanceId().filter(id -> id.startsWith(instanceId)).isPresent()) {
          for (TopicPartition p : member.assignment().topicPartitions()) {
            if (p.topic().equals(SagaTopics.REQUESTS) || p.topic().equals(SagaTopics.REPLIES)) {
              partitions.add(p.partition());
            }
          }
        }
      }
      return partitions;
    } catch (IOException | ExecutionException | TimeoutException e) {
      return Set.of();
    }
  }

  /** The end (high watermark) of each saga.events partition now. */
  Map<Integer, Long> eventEnds() throws InterruptedException {
    try {
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      admin
          .describeTopics(List.of(SagaTopics.EVENTS))
          .allTopicNames()
          .get(CALL_SECONDS, TimeUnit.SECONDS)
          .get(SagaTopics.EVENTS)
          .partitions()
          .forEach(
              p ->
                  latest.put(
                      new TopicPartition(SagaTopics.EVENTS, p.partition()), OffsetSpec.latest()));
      Map<Integer, Long> ends = new HashMap<>();
      admin
          .listOffsets(latest)
          .all()
          .get(CALL_SECONDS, TimeUnit.SECONDS)
          .forEach((p, info) -> ends.put(p.partition(), info.offset()));
      return ends;
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("Could not read the ends of " + SagaTopics.EVENTS, e);
    }
  }

  @Override
  public void close() {
    admin.close();
  }
}
