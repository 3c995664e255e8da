package io.sagaflow.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sagaflow.app.config.SagaflowConfig;
import io.sagaflow.topology.RolloutTopology;
import io.sagaflow.topology.SagaTopology;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A processor started on a fresh application id logs no ERROR: its changelog topics exist, made as
 * Kafka Streams wants them, before Streams looks them up; a restart finds them and changes nothing.
 */
class QuietStartIT {
  private static final String APPLICATION_ID = "quiet-start";
  private static final int PARTITIONS = 4;
  private static final List<String> CHANGELOGS =
      List.of(
              SagaTopology.STATE_STORE,
              SagaTopology.INDEX_STORE,
              SagaTopology.DEAD_LETTER_STORE,
              RolloutTopology.CONTROL_STORE,
              RolloutTopology.TRACKING_STORE)
          .stream()
          .map(store -> APPLICATION_ID + "-" + store + "-changelog")
          .toList();

  @Test
  void shouldStartAndRestartWithoutAnErrorOnChangelogsItCreatedItself(@TempDir Path dir)
      throws Exception {
    try (SagaCluster cluster = SagaCluster.start(dir)) {
      SagaflowConfig config =
          cluster.config(
              dir.resolve("instance"),
              Map.of(
                  "kafka.application.id", APPLICATION_ID,
                  "saga.topics.partitions", String.valueOf(PARTITIONS),
                  // Sagas arrive while the processor joins its group, as in a real first start.
                  "saga.participants.enabled", "true",
                  "saga.demo.enabled", "true",
                  "saga.demo.sagas", "200",
                  "saga.demo.run.id", "quiet-start"));

      // When the processor starts for the first time, then it runs and has logged no ERROR
      String first = logOf(() -> runUntilRunning(config));
      assertThat(errorLines(first)).isEmpty();
      assertThat(createdChangelogs(first)).containsExactlyInAnyOrderElementsOf(CHANGELOGS);

      // And its changelogs are compacted, with one partition per task
      Map<String, String> created = describe(cluster);
      assertThat(created)
          .containsOnlyKeys(CHANGELOGS)
          .allSatisfy(
              (topic, shape) ->
                  assertThat(shape).isEqualTo(PARTITIONS + " partitions, cleanup.policy=compact"));

      // When it starts again on the same topics, then Kafka Streams accepts them as they are
      String second = logOf(() -> runUntilRunning(config));
      assertThat(errorLines(second)).isEmpty();
      assertThat(createdChangelogs(second)).isEmpty();
      assertThat(describe(cluster)).isEqualTo(created);
    }
  }

  private static void runUntilRunning(SagaflowConfig config) {
    try (SagaflowRuntime runtime = new SagaflowRuntime(config).start()) {
      await()
          .atMost(Duration.ofMinutes(1))
          .until(() -> runtime.health().endsWith("processor RUNNING"));
    }
  }

  /** What the app and the in-process broker log to standard error while {@code run} runs. */
  private static String logOf(Runnable run) {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream tee =
        new PrintStream(
            new java.io.OutputStream() {
              @Override
              public void write(int b) {
                original.write(b);
                synchronized (captured) {
                  captured.write(b);
                }
              }

              @Override
              public void write(byte[] b, int off, int len) {
                original.write(b, off, len);
                synchronized (captured) {
                  captured.write(b, off, len);
                }
              }
            },
            true,
            StandardCharsets.UTF_8);
    System.setErr(tee);
    try {
      run.run();
    } finally {
      System.setErr(original);
    }
    synchronized (captured) {
      return captured.toString(StandardCharsets.UTF_8);
    }
  }

  /** The changelog topics the app says it created, from its "Topics ready" lines. */
  private static List<String> createdChangelogs(String log) {
    return log.lines()
        .filter(l -> l.contains("Topics ready: "))
        .map(l -> l.substring(l.indexOf("created now: [") + "created now: [".length()))
        .flatMap(rest -> Arrays.stream(rest.substring(0, rest.indexOf(']')).split(", ")))
        .filter(t -> t.endsWith("-changelog"))
        .toList();
  }

  private static List<String> errorLines(String log) {
    return log.lines().filter(l -> l.contains(" ERROR ")).collect(Collectors.toList());
  }

  /** Each changelog topic by name, with its partition count and cleanup policy. */
  private static Map<String, String> describe(SagaCluster cluster) throws Exception {
    try (Admin admin = cluster.admin()) {
      List<String> names =
          admin.listTopics().names().get().stream().filter(t -> t.endsWith("-changelog")).toList();
      Map<String, TopicDescription> topics = admin.describeTopics(names).allTopicNames().get();
      Map<ConfigResource, Config> configs =
          admin
              .describeConfigs(
                  names.stream()
                      .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t))
                      .toList())
              .all()
              .get();
      Map<String, String> shapes = new HashMap<>();
      configs.forEach(
          (resource, config) ->
              shapes.put(
                  resource.name(),
                  topics.get(resource.name()).partitions().size()
                      + " partitions, cleanup.policy="
                      + config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value()));
      return shapes;
    }
  }
}
