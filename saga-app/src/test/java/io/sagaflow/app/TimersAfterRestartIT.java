package io.sagaflow.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sagaflow.app.config.SagaflowConfig;
import io.sagaflow.app.demo.DemoWorkload;
import io.sagaflow.app.demo.StartRequests;
import io.sagaflow.app.participants.SimulatedParticipants;
import io.sagaflow.engine.SagaRegistry;
import io.sagaflow.engine.SagaStatus;
import io.sagaflow.engine.StepDefinition;
import io.sagaflow.serde.SagaHeaders;
import io.sagaflow.topology.SagaTopics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The finding this guards against: after a restart, timers that fell due while the processor was
 * down fired before the replies already waiting in saga.replies were read, so steps answered in
 * time were sent again. Here the probe saga's first command is answered while the processor is
 * down, behind thousands of other orders, and its timer is long overdue when the processor comes
 * back; the reply must still win.
 */
class TimersAfterRestartIT {
  private static final int FILLERS = 4000;
  private static final String PROBE = "it-hold-probe";

  @Test
  void shouldProcessARepliesBacklogBeforeFiringTimersThatFellDueMeanwhile(@TempDir Path work)
      throws Exception {
    try (SagaCluster cluster = SagaCluster.start(work)) {
      SagaflowConfig config =
          cluster.config(
              work.resolve("instance"),
              Map.of(
                  "saga.topics.partitions", "1",
                  "saga.participants.decline.rate", "0",
                  "saga.participants.retriable.failure.rate", "0",
                  "saga.participants.silence.rate", "0"));
      SagaRegistry sagas = TestModules.onClassPath().registry();
      TopicProvisioner.ensure(config, SagaflowTopics.all(sagas, config.dlqRetention()));
      StepDefinition<?> first = TestModules.orderDefinition().stages().get(0).get(0);

      // Given the probe's first command sent, and the processor stopped before any reply
      sendProbeAndStop(cluster, config, sagas, first);
      Instant due = probeCommands(config, first.commandTopic()).get(0).plus(first.timeout());

      // And, while it is down, thousands of other orders, then the probe's reply
      try (SagaCluster.Watch watch = cluster.watch(config, PROBE, 1)) {
        send(cluster, config, DemoWorkload.sagaIds("it-hold-filler", FILLERS));
        try (SimulatedParticipants participants =
            SimulatedParticipants.start(config, cluster.schemas, TestModules.onClassPath())) {
          await()
              .atMost(Duration.ofSeconds(30))
              .until(() -> endOffset(config, SagaTopics.REPLIES) == 1);
          // And the probe's step timer long overdue
          await()
              .atMost(first.timeout().plusSeconds(10))
              .until(() -> Instant.now().isAfter(due.plusSeconds(1)));

          // When the processor starts again
          try (SagaProcessor processor = SagaProcessor.start(config, sagas, cluster.schemas)) {
            // Then the probe completes, its first step sent once: the reply beat the timer
            await().atMost(Duration.ofSeconds(90)).until(() -> watch.now().settled() == 1);
            assertThat(watch.now().counts()).isEqualTo(Map.of(SagaStatus.COMPLETED, 1));
            assertThat(probeCommands(config, first.commandTopic())).hasSize(1);
          }
        }
      }
    }
  }

  /**
   * Timers have no changelog: a task that starts on a restored state rebuilds them from the sagas'
   * states. Here the local state is deleted while the processor is down, so everything comes back
   * from the changelogs, and the probe's step, which nobody answers, must still time out and be
   * sent again.
   */
  @Test
  void shouldFireTheTimersOfARestoredStateAfterItsLocalCopyIsLost(@TempDir Path work)
      throws Exception {
    try (SagaCluster cluster = SagaCluster.start(work)) {
      SagaflowConfig config =
          cluster.config(work.resolve("instance"), Map.of("saga.topics.partitions", "1"));
      SagaRegistry sagas = TestModules.onClassPath().registry();
      TopicProvisioner.ensure(config, SagaflowTopics.all(sagas, config.dlqRetention()));
      StepDefinition<?> first = TestModules.orderDefinition().stages().get(0).get(0);

      // Given the probe's first command sent, then the processor stopped and its local state gone
      sendProbeAndStop(cluster, config, sagas, first);
      Path local = config.dataDir().resolve("streams");
      assertThat(local).isDirectory();
      deleteRecursively(local);

      // When it starts again, restoring from the changelogs, and nobody answers
      try (SagaProcessor processor = SagaProcessor.start(config, sagas, cluster.schemas)) {
        // Then the step's timeout fires and the command is sent again
        await()
            .atMost(first.timeout().plusSeconds(60))
            .until(() -> probeCommands(config, first.commandTopic()).size() >= 2);
      }
    }
  }

  /**
   * Starts the processor, sends the probe, and stops the processor once its first command is out.
   */
  private static void sendProbeAndStop(
      SagaCluster cluster, SagaflowConfig config, SagaRegistry sagas, StepDefinition<?> first) {
    try (SagaProcessor processor = SagaProcessor.start(config, sagas, cluster.schemas)) {
      send(cluster, config, List.of(PROBE));
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> probeCommands(config, first.commandTopic()).size() == 1);
    }
  }

  private static void deleteRecursively(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }

  private static void send(SagaCluster cluster, SagaflowConfig config, List<String> sagaIds) {
    try (StartRequests requests =
        new StartRequests(
            config,
            cluster.schemas,
            config.participants().seed(),
            TestModules.onClassPath().classLoader())) {
      requests.send(TestModules.orders(), sagaIds, () -> {});
    }
  }

  /** The times of the probe's commands on {@code topic}, as committed. */
  private static List<Instant> probeCommands(SagaflowConfig config, String topic) {
    List<Instant> times = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            ClientProperties.reader(config),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      TopicPartition partition = new TopicPartition(topic, 0);
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      long end = consumer.endOffsets(List.of(partition)).get(partition);
      while (consumer.position(partition) < end) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          Header kind = record.headers().lastHeader(SagaHeaders.SAGA_KIND);
          if (PROBE.equals(new String(record.key(), StandardCharsets.UTF_8))
              && kind != null
              && "ACTION".equals(new String(kind.value(), StandardCharsets.UTF_8))) {
            times.add(Instant.ofEpochMilli(record.timestamp()));
          }
        }
      }
    }
    return times;
  }

  private static long endOffset(SagaflowConfig config, String topic) {
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            ClientProperties.reader(config),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      TopicPartition partition = new TopicPartition(topic, 0);
      Map<TopicPartition, Long> ends = new HashMap<>(consumer.endOffsets(List.of(partition)));
      return ends.get(partition);
    }
  }
}
