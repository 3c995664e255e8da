package io.sagaflow.app;

import static org.awaitility.Awaitility.await;

import io.sagaflow.app.config.ConfigLoader;
import io.sagaflow.app.config.SagaflowConfig;
import io.sagaflow.app.demo.EventReader;
import io.sagaflow.app.demo.SagaProgress;
import io.sagaflow.embedded.kafka.TestKafka;
import io.sagaflow.embedded.registry.SchemaRegistryServer;
import io.sagaflow.serde.RegistryClientSettings;
import io.sagaflow.serde.SchemaRegistry;
import io.sagaflow.serde.SchemaRegistryClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;

/**
 * One integration test's saga deployment on the shared test broker: a schema registry stored on the
 * broker, and configuration for an app in external mode with its own application id.
 *
 * <p>The saga topics have fixed names ({@code saga.requests}, ...), so a test that runs the app
 * first deletes every non-internal topic left by an earlier test of the same JVM.
 */
final class SagaCluster implements AutoCloseable {
  final TestKafka kafka;
  final SchemaRegistryServer registry;
  final SchemaRegistry schemas;
  final String applicationId;

  private SagaCluster(TestKafka kafka, SchemaRegistryServer registry, String applicationId) {
    this.kafka = kafka;
    this.registry = registry;
    this.schemas = new SchemaRegistryClient(RegistryClientSettings.of(registry.url().toString()));
    this.applicationId = applicationId;
  }

  /** Deletes leftover topics, then starts a registry on the broker. */
  static SagaCluster fresh(TestKafka kafka) throws Exception {
    deleteNonInternalTopics(kafka);
    return new SagaCluster(
        kafka,
        SchemaRegistryServer.startOnKafka(0, kafka.bootstrapServers()),
        kafka.uniqueName("sagaflow-it"));
  }

  /**
   * External-mode configuration pointing at this cluster, with {@code settings} applied last. Sagas
   * are enabled (preview) unless the settings say otherwise; the demo is off.
   */
  SagaflowConfig config(Path dataDir, Map<String, String> settings) {
    Map<String, String> all = new LinkedHashMap<>();
    all.put("saga.mode", "external");
    all.put("saga.env", "preview");
    all.put("kafka.bootstrap.servers", kafka.bootstrapServers());
    all.put("kafka.application.id", applicationId);
    all.put("saga.schema.registry.url", registry.url().toString());
    all.put("saga.data.dir", dataDir.toString());
    all.put("saga.demo.enabled", "false");
    all.putAll(settings);
    return ConfigLoader.load(Map.of(), all);
  }

  /**
   * Follows {@code saga.events} from the beginning for sagas whose id starts with {@code prefix}.
   */
  Watch watch(SagaflowConfig config, String prefix, int expected) {
    SagaProgress progress = new SagaProgress(expected, Instant.now());
    return new Watch(progress, EventReader.start(config, schemas, prefix, progress, true));
  }

  @Override
  public void close() {
    registry.close();
  }

  private static void deleteNonInternalTopics(TestKafka kafka) throws Exception {
    try (Admin admin = kafka.admin()) {
      Set<String> leftovers =
          admin.listTopics().names().get(30, TimeUnit.SECONDS).stream()
              .filter(name -> !name.startsWith("_"))
              .collect(Collectors.toSet());
      if (leftovers.isEmpty()) {
        return;
      }
      admin.deleteTopics(leftovers).all().get(30, TimeUnit.SECONDS);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  admin.listTopics().names().get(30, TimeUnit.SECONDS).stream()
                      .noneMatch(leftovers::contains));
    }
  }

  /** Saga statuses as reported on saga.events; close to stop reading. */
  record Watch(SagaProgress progress, EventReader reader) implements AutoCloseable {
    /** Progress now. */
    SagaProgress.Snapshot now() {
      return progress.snapshot(Instant.now());
    }

    @Override
    public void close() {
      reader.close();
    }
  }
}
