package io.sagaflow.app;

import io.sagaflow.app.config.ConfigLoader;
import io.sagaflow.app.config.SagaflowConfig;
import io.sagaflow.app.demo.EventReader;
import io.sagaflow.app.demo.SagaProgress;
import io.sagaflow.embedded.kafka.EmbeddedKafkaBroker;
import io.sagaflow.embedded.registry.SchemaRegistryServer;
import io.sagaflow.serde.RegistryClientSettings;
import io.sagaflow.serde.SchemaRegistry;
import io.sagaflow.serde.SchemaRegistryClient;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;

/**
 * One integration test's saga deployment: its own embedded broker (on a temporary directory) and a
 * schema registry stored on it, plus configuration for an app in external mode.
 *
 * <p>Why not the broker shared through {@code KafkaBrokerExtension}: the saga topics have fixed
 * names ({@code saga.requests}, ...), so tests sharing a broker would have to delete and recreate
 * them, and an idempotent producer writing to a just-recreated topic can stick on
 * OUT_OF_ORDER_SEQUENCE_NUMBER. A broker per test costs a few seconds and isolates completely.
 */
final class SagaCluster implements AutoCloseable {
  final EmbeddedKafkaBroker broker;
  final SchemaRegistryServer registry;
  final SchemaRegistry schemas;
  final String applicationId = "sagaflow-it";

  private SagaCluster(EmbeddedKafkaBroker broker, SchemaRegistryServer registry) {
    this.broker = broker;
    this.registry = registry;
    this.schemas = new SchemaRegistryClient(RegistryClientSettings.of(registry.url().toString()));
  }

  /** Starts a broker with its data under {@code dir}, then a registry on it. */
  static SagaCluster start(Path dir) {
    EmbeddedKafkaBroker broker =
        EmbeddedKafkaBroker.builder().dataDir(dir.resolve("broker")).build().start();
    try {
      return new SagaCluster(
          broker, SchemaRegistryServer.startOnKafka(0, broker.bootstrapServers()));
    } catch (RuntimeException e) {
      broker.close();
      throw e;
    }
  }

  String bootstrapServers() {
    return broker.bootstrapServers();
  }

  Admin admin() {
    return Admin.create(Map.of("bootstrap.servers", bootstrapServers()));
  }

  /**
   * External-mode configuration pointing at this cluster, with {@code settings} applied last. Sagas
   * are enabled (preview) unless the settings say otherwise; the demo is off.
   */
  SagaflowConfig config(Path dataDir, Map<String, String> settings) {
    Map<String, String> all = new LinkedHashMap<>();
    all.put("saga.mode", "external");
    all.put("saga.env", "preview");
    all.put("kafka.bootstrap.servers", bootstrapServers());
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
    broker.close();
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
