package io.sagaflow.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.sagaflow.app.config.SagaflowConfig;
import io.sagaflow.topology.SagaTopics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The processor reads its input topics' partition count from the cluster, whoever created them, and
 * will not start on topics a saga's requests and replies would not meet in.
 */
class InputPartitionsIT {

  @Test
  void shouldReadTheCountOfTopicsCreatedOutsideAndRefuseTopicsThatDiffer(@TempDir Path dir)
      throws Exception {
    try (SagaCluster cluster = SagaCluster.start(dir)) {
      SagaflowConfig config =
          cluster.config(dir.resolve("instance"), Map.of("saga.topics.create", "false"));

      // Given no input topics yet, then the start names them and what to do
      assertThatThrownBy(() -> new SagaflowRuntime(config).start())
          .isInstanceOf(StartupException.class)
          .hasMessageContaining("do not all exist")
          .hasMessageContaining("saga.topics.create=true");

      // Given saga.requests with 3 partitions and saga.replies with 2, created by someone else
      try (Admin admin = cluster.admin()) {
        admin
            .createTopics(
                List.of(
                    new NewTopic(SagaTopics.REQUESTS, 3, (short) 1),
                    new NewTopic(SagaTopics.REPLIES, 2, (short) 1)))
            .all()
            .get();
      }

      // Then the processor refuses to start, saying why and with which counts
      assertThatThrownBy(() -> new SagaflowRuntime(config).start())
          .isInstanceOf(StartupException.class)
          .hasMessageContaining("must have the same number of partitions")
          .hasMessageContaining("{saga.requests=3, saga.replies=2}");

      // And once both have 3, the count is read as 3
      try (Admin admin = cluster.admin()) {
        admin
            .createPartitions(
                Map.of(
                    SagaTopics.REPLIES, org.apache.kafka.clients.admin.NewPartitions.increaseTo(3)))
            .all()
            .get();
        // The controller has accepted the new count; the broker's metadata learns it a moment
        // later.
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    admin
                        .describeTopics(List.of(SagaTopics.REPLIES))
                        .allTopicNames()
                        .get()
                        .get(SagaTopics.REPLIES)
                        .partitions()
                        .size(),
                n -> n == 3);
      }
      assertThat(InputPartitions.read(config)).isEqualTo(3);
    }
  }
}
