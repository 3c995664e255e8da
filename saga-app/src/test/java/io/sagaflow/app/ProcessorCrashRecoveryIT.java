package io.sagaflow.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sagaflow.app.config.SagaflowConfig;
import io.sagaflow.app.demo.OutcomePrediction;
import io.sagaflow.app.demo.StartRequests;
import io.sagaflow.app.participants.SimulatedParticipants;
import io.sagaflow.engine.SagaStatus;
import io.sagaflow.examples.order.OrderFulfilmentSaga;
import io.sagaflow.serde.SagaHeaders;
import io.sagaflow.topology.SagaTopics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The saga processor runs in a child JVM (the packaged jar) and is killed mid-run with no clean
 * close; participants and clients run in the test JVM and carry on. Restarted on the same data
 * directory (whose local state an unclean exit under exactly-once discards), it must restore every
 * saga from the changelog and finish them all, and the aborted transactions must leave no duplicate
 * command behind for read_committed readers. The restarted process is the same static group member:
 * it replaces the dead one at once instead of waiting out the session timeout, which stays at
 * Kafka's 45 s default here.
 */
class ProcessorCrashRecoveryIT {
  private static final int ORDERS = 400;
  private static final Path JAR = Path.of("target", "sagaflow.jar");

  @Test
  void shouldFinishEverySagaWithoutDuplicateCommandsAfterAHardStopAndRestart(@TempDir Path work)
      throws Exception {
    try (SagaCluster cluster = SagaCluster.start(work)) {
      SagaflowConfig config =
          cluster.config(
              work.resolve("participants"),
              Map.of("saga.participants.latency.ms", "5", "saga.participants.decline.rate", "0.1"));
      List<String> sagaIds = io.sagaflow.app.demo.DemoWorkload.sagaIds("it-crash", ORDERS);
      // Every module's topics: its participants all start here, and a participant whose
      // dead-letter topic is missing stops at once.
      TopicProvisioner.ensure(
          config, SagaflowTopics.all(TestModules.onClassPath().registry(), config.dlqRetention()));

      // Given a processor in its own JVM, participants here, and 400 orders sent
      Process first = startProcessor(cluster, work.resolve("first"));
      try (SimulatedParticipants participants =
              SimulatedParticipants.start(config, cluster.schemas, TestModules.onClassPath());
          SagaCluster.Watch watch = cluster.watch(config, "it-crash-", ORDERS)) {
        try (StartRequests requests =
            new StartRequests(
                config,
                cluster.schemas,
                config.participants().seed(),
                TestModules.onClassPath().classLoader())) {
          requests.send(TestModules.orders(), sagaIds, () -> {});
        }

        // When the processor is killed mid-run, without a clean close
        await()
            .atMost(Duration.ofMinutes(2))
            .until(() -> watch.now().settled() >= ORDERS / 10 || !first.isAlive());
        assertThat(first.isAlive()).as(tail(work.resolve("first"))).isTrue();
        first.destroyForcibly().waitFor();
        int settledAtKill = watch.now().settled();
        assertThat(settledAtKill).as("killed mid-run").isLessThan(ORDERS);

        // And it is started again on the same data directory
        Set<String> deadMembers = members(cluster, config);
        assertThat(deadMembers).as("members before the kill").hasSize(1);
        assertThat(work.resolve("first").resolve(RunMarker.FILE)).exists();
        int linesBeforeRestart = Files.readAllLines(work.resolve("first/processor.log")).size();
        Process second = startProcessor(cluster, work.resolve("first"));
        try {
          // Then the new process takes the dead member's place, with no second member waiting
          // for the dead one's session to expire
          await()
              .atMost(Duration.ofSeconds(30))
              .untilAsserted(
                  () ->
                      assertThat(members(cluster, config))
                          .hasSize(1)
                          .doesNotContainAnyElementsOf(deadMembers));

          // Then every saga reaches the status the seed predicts
          await()
              .atMost(Duration.ofMinutes(3))
              .until(() -> watch.now().settled() == ORDERS || !second.isAlive());
          assertThat(second.isAlive()).as(tail(work.resolve("first"))).isTrue();
          Map<SagaStatus, Integer> expected =
              new OutcomePrediction(
                      OrderFulfilmentSaga.definition(),
                      TestModules.behaviours(config.participants()))
                  .counts(sagaIds);
          assertThat(watch.now().counts()).isEqualTo(expected);
          assertThat(expected.get(SagaStatus.COMPENSATED)).isPositive();
        } finally {
          second.destroy();
          second.waitFor();
        }

        // And the restart knew the kill, removed the untrusted state itself and restored it
        // without a corrupted task to report; its clean stop leaves no marker
        List<String> log = Files.readAllLines(work.resolve("first/processor.log"));
        List<String> restart = log.subList(linesBeforeRestart, log.size());
        assertThat(restart).anyMatch(l -> l.contains("did not stop cleanly"));
        assertThat(restart)
            .noneMatch(l -> l.contains(" ERROR ") || l.contains("are corrupted"))
            .anyMatch(l -> l.contains("Sagaflow stopped cleanly"));
        assertThat(work.resolve("first").resolve(RunMarker.FILE)).doesNotExist();
      }

      // And a read_committed reader sees each command id once on every command topic
      List<String> commandIds = committedCommandIds(config);
      assertThat(commandIds).hasSizeGreaterThanOrEqualTo(ORDERS * 4);
      Map<String, Long> repeated =
          commandIds.stream()
              .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()))
              .entrySet()
              .stream()
              .filter(e -> e.getValue() > 1)
              .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
      assertThat(repeated).as("command ids seen more than once").isEmpty();
    }
  }

  private static Process startProcessor(SagaCluster cluster, Path dataDir) throws IOException {
    Files.createDirectories(dataDir);
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx384m",
            "-jar",
            JAR.toString(),
            "run",
            "--plugin-path",
            SagaflowJar.EXAMPLE_PLUGINS.toString(),
            "--mode",
            "external",
            "--env",
            "preview",
            "--bootstrap-servers",
            cluster.bootstrapServers(),
            "--data-dir",
            dataDir.toString(),
            "--no-demo",
            "--set",
            "saga.schema.registry.url=" + cluster.registry.url(),
            "--set",
            "kafka.application.id=" + cluster.applicationId,
            "--set",
            "saga.participants.enabled=false");
    ProcessBuilder builder = new ProcessBuilder(command);
    // Text lines, as scripts/run writes them: the check for " ERROR " below reads those.
    builder.environment().put("SAGA_LOG_FORMAT", "text");
    // Killed -9, the JVM would leave RocksDB's unpacked native library in the system's temp dir.
    Path nativeDir =
        Files.createDirectories(dataDir.resolveSibling(dataDir.getFileName() + ".native"));
    builder.environment().put("ROCKSDB_SHAREDLIB_DIR", nativeDir.toString());
    return builder
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dataDir.resolve("processor.log").toFile()))
        .start();
  }

  /** Member ids of the processor's consumer group, as the broker's group coordinator lists them. */
  private static Set<String> members(SagaCluster cluster, SagaflowConfig config) throws Exception {
    try (Admin admin = cluster.admin()) {
      ConsumerGroupDescription group =
          admin
              .describeConsumerGroups(List.of(config.applicationId()))
              .describedGroups()
              .get(config.applicationId())
              .get();
      return group.members().stream()
          .map(MemberDescription::consumerId)
          .collect(Collectors.toSet());
    }
  }

  private static String tail(Path dataDir) {
    try {
      List<String> lines = Files.readAllLines(dataDir.resolve("processor.log"));
      return "processor log:\n"
          + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "processor log unreadable: " + e;
    }
  }

  private static List<String> committedCommandIds(SagaflowConfig config) {
    Set<String> topics =
        SagaTopics.commandTopics(
            io.sagaflow.engine.SagaRegistry.of(OrderFulfilmentSaga.definition()));
    List<String> ids = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            ClientProperties.reader(config),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (String topic : topics) {
        consumer
            .partitionsFor(topic, Duration.ofSeconds(30))
            .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions));
      // The end of a read_committed reader is the last stable offset; read until every partition
      // got there.
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                for (ConsumerRecord<byte[], byte[]> record :
                    consumer.poll(Duration.ofMillis(200))) {
                  Header id = record.headers().lastHeader(SagaHeaders.CE_ID);
                  ids.add(
                      id == null ? "<no ce_id>" : new String(id.value(), StandardCharsets.UTF_8));
                }
                return partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p));
              });
    }
    return ids;
  }
}
