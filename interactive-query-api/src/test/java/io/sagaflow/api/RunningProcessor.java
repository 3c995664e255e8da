package io.sagaflow.api;

import static org.awaitility.Awaitility.await;

import io.sagaflow.embedded.kafka.FreePorts;
import io.sagaflow.embedded.kafka.TestKafka;
import io.sagaflow.embedded.registry.SchemaRegistryServer;
import io.sagaflow.engine.SagaRegistry;
import io.sagaflow.example.OrderFulfilmentSaga;
import io.sagaflow.serde.RegistryClientSettings;
import io.sagaflow.serde.SchemaRegistry;
import io.sagaflow.serde.SchemaRegistryClient;
import io.sagaflow.topology.SagaCounters;
import io.sagaflow.topology.SagaStreamsConfig;
import io.sagaflow.topology.SagaTopics;
import io.sagaflow.topology.SagaTopology;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;

/**
 * One saga processor for a test class: the example saga in a real Kafka Streams instance on the
 * shared embedded broker, an in-memory schema registry spoken to over HTTP, an idempotent producer,
 * and API servers over it. The saga topics have fixed names, so one class at a time.
 */
final class RunningProcessor implements AutoCloseable {
  static final SagaRegistry SAGAS = SagaRegistry.of(OrderFulfilmentSaga.definition());

  final SchemaRegistryServer registryServer = SchemaRegistryServer.startInMemory();
  final SchemaRegistry schemas =
      new SchemaRegistryClient(RegistryClientSettings.of(registryServer.url().toString()));
  final SagaCounters counters = new SagaCounters();
  final KafkaStreams streams;
  final KafkaProducer<String, byte[]> producer;
  final int apiPort = FreePorts.pick();
  final TestKafka kafka;
  private final List<SagaApiServer> servers = new ArrayList<>();

  RunningProcessor(TestKafka kafka) throws Exception {
    this(kafka, false);
  }

  /**
   * @param onlyNewInputs start reading the saga topics at their end instead of their beginning, so
   *     that sagas and dead letters of earlier test classes on the shared broker are not replayed
   *     into this processor's stores (search sees every saga, not one by id)
   */
  RunningProcessor(TestKafka kafka, boolean onlyNewInputs) throws Exception {
    this.kafka = kafka;
    ensureTopics(kafka);
    SagaTopology.Settings settings = SagaTopology.Settings.of(schemas, true, counters);
    Path stateDir = Files.createTempDirectory("api-it-state");
    Map<String, Object> config =
        new java.util.HashMap<>(
            Map.of(
                StreamsConfig.APPLICATION_ID_CONFIG, kafka.uniqueName("api-it"),
                StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                StreamsConfig.STATE_DIR_CONFIG, stateDir.toString(),
                StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1,
                StreamsConfig.APPLICATION_SERVER_CONFIG, "127.0.0.1:" + apiPort));
    if (onlyNewInputs) {
      config.put(
          StreamsConfig.mainConsumerPrefix(
              org.apache.kafka.clients.consumer.ConsumerConfig.AUTO_OFFSET_RESET_CONFIG),
          "latest");
    }
    Properties props = SagaStreamsConfig.create(config, settings.deadLetters());
    streams = new KafkaStreams(SagaTopology.build(SAGAS, settings), props);
    streams.start();
    Properties producerProps = kafka.clientProperties();
    producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
    producer =
        new KafkaProducer<>(producerProps, new StringSerializer(), new ByteArraySerializer());
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> streams.state() == KafkaStreams.State.RUNNING);
  }

  /** Creates the saga topics unless an earlier test class in this JVM already did. */
  private static void ensureTopics(TestKafka kafka) throws Exception {
    java.util.Set<String> wanted = new java.util.TreeSet<>(SagaTopics.CORE);
    wanted.addAll(SagaTopics.commandTopics(SAGAS));
    try (org.apache.kafka.clients.admin.Admin admin = kafka.admin()) {
      wanted.removeAll(admin.listTopics().names().get());
    }
    for (String topic : wanted) {
      kafka.createTopicNamed(topic, 2, Map.of());
    }
  }

  /** Settings for a server of this processor: its application.server, schemas auto-registered. */
  ApiSettings settings() {
    return ApiSettings.defaults()
        .withAdvertised(new HostInfo("127.0.0.1", apiPort))
        .withAutoRegister(true);
  }

  /** Starts an API server with {@code settings}; closed with the processor. */
  SagaApiServer server(ApiSettings settings) {
    SagaApiServer server =
        new SagaApiServer(streams, SAGAS, schemas, producer, counters, settings).start();
    servers.add(server);
    return server;
  }

  @Override
  public void close() {
    servers.forEach(SagaApiServer::close);
    producer.close(Duration.ofSeconds(5));
    streams.close(Duration.ofSeconds(30));
    registryServer.close();
  }
}
