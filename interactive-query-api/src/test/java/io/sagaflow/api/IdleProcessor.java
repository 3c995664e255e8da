package io.sagaflow.api;

import io.sagaflow.embedded.TempDirs;
import io.sagaflow.serde.InMemorySchemaRegistry;
import io.sagaflow.topology.SagaCounters;
import io.sagaflow.topology.SagaStreamsConfig;
import io.sagaflow.topology.SagaTopology;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

/**
 * A saga processor that is built but never started, with an in-memory schema registry and a mock
 * producer: enough for a real API server whose stores are never queryable, without a broker. What a
 * client sees of an instance that boots or rebalances.
 */
final class IdleProcessor implements AutoCloseable {
  final InMemorySchemaRegistry schemas = new InMemorySchemaRegistry();
  final SagaCounters counters = new SagaCounters();

  /** Where every server over this processor writes; each send succeeds at once. */
  final MockProducer<String, byte[]> producer =
      new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());

  final KafkaStreams streams;
  private final Path stateDir;

  /**
   * @param applicationId names the state directory, so classes do not share one
   */
  IdleProcessor(String applicationId) throws IOException {
    this.stateDir = TempDirs.create(applicationId);
    SagaTopology.Settings settings = SagaTopology.Settings.of(schemas, true, counters);
    Properties props =
        SagaStreamsConfig.create(
            Map.of(
                StreamsConfig.APPLICATION_ID_CONFIG,
                applicationId,
                // Never started, so never contacted.
                StreamsConfig.BOOTSTRAP_SERVERS_CONFIG,
                "127.0.0.1:9",
                StreamsConfig.STATE_DIR_CONFIG,
                stateDir.toString()),
            settings.deadLetters());
    streams = new KafkaStreams(SagaTopology.build(RunningProcessor.SAGAS, settings), props);
  }

  /** An API server over this processor with {@code settings}, not yet started. */
  SagaApiServer server(ApiSettings settings) {
    return new SagaApiServer(
        streams, RunningProcessor.SAGAS, schemas, producer, counters, settings);
  }

  /** An API server whose readiness also watches {@code signals}, not yet started. */
  SagaApiServer server(ApiSettings settings, HealthSignals signals) {
    return new SagaApiServer(
        streams, RunningProcessor.SAGAS, schemas, producer, counters, settings, signals);
  }

  @Override
  public void close() {
    try {
      streams.close();
    } finally {
      TempDirs.delete(stateDir);
    }
  }
}
