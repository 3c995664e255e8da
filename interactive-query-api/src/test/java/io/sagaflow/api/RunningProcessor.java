package io.sagaflow.api;

import static org.awaitility.Awaitility.await;

import io.sagaflow.embedded.TempDirs;
import io.sagaflow.embedded.kafka.FreePorts;
import io.sagaflow.embedded.kafka.TestKafka;
import io.sagaflow.embedded.registry.SchemaRegistryServer;
import io.sagaflow.engine.SagaRegistry;
import io.sagaflow.examples.order.OrderFulfilmentSaga;
import io.sagaflow.serde.RegistryClientSettings;
import io.sagaflow.serde.SchemaRegistry;
import io.sagaflow.serde.SchemaRegistryClient;
import io.sagaflow.topology.SagaCounters;
import io.sagaflow.topology.SagaStreamsConfig;
import io.sagaflow.topology.SagaTopics;
import io.sagaflow.topology.SagaTopology;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.state.HostInfo;

/**
 * One saga processor instance for a test class: the example saga in a real Kafka Streams instance
 * on the shared embedded broker, an in-memory schema registry spoken to over HTTP, an idempotent
 * producer, and API servers over it. {@link #joining} adds another instance of the same application
 * (same application id and registry, its own state directory and API port), so a test can watch
 * partitions move between instances. The saga topics have fixed names, so one class at a time.
 */
final class RunningProcessor implements AutoCloseable {
  static final SagaRegistry SAGAS = SagaRegistry.of(OrderFulfilmentSaga.definition());

  /**
   * Partitions of the shared saga topics: enough that two instances each own several, since the
   * topics are created once per test JVM by whichever class comes first.
   */
  static final int SAGA_TOPIC_PARTITIONS = 6;

  final SchemaRegistryServer registryServer;
  final SchemaRegistry schemas;
  final SagaCounters counters = new SagaCounters();
  final KafkaStreams streams;
  private final Path stateDir;
  final KafkaProducer<String, byte[]> producer;
  final int apiPort = FreePorts.pick();
  final TestKafka kafka;
  final String applicationId;
  private final boolean ownsRegistry;
  private final Map<String, Object> extraConfig;
  private final List<SagaApiServer> servers = new ArrayList<>();
  private boolean closed;

  /** The first (or only) instance of a new application, with its own schema registry. */
  RunningProcessor(TestKafka kafka) throws Exception {
    this(kafka, Map.of());
  }

  /**
   * The first instance of a new application, with its own schema registry.
   *
   * @param onlyNewInputs start reading the saga topics at their end instead of their beginning, so
   *     that sagas and dead letters of earlier test classes on the shared broker are not replayed
   *     into this processor's stores (search sees every saga, not one by id)
   */
  RunningProcessor(TestKafka kafka, boolean onlyNewInputs) throws Exception {
    this(
        kafka,
        onlyNewInputs
            ? Map.of(
                StreamsConfig.mainConsumerPrefix(
                    org.apache.kafka.clients.consumer.ConsumerConfig.AUTO_OFFSET_RESET_CONFIG),
                "latest")
            : Map.of());
  }

  /**
   * The first instance of a new application, with its own schema registry and {@code extraConfig}
   * on top of the Streams settings; instances {@link #joining} it get the same.
   */
  RunningProcessor(TestKafka kafka, Map<String, Object> extraConfig) throws Exception {
    this(
        kafka, SchemaRegistryServer.startInMemory(), true, kafka.uniqueName("api-it"), extraConfig);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> streams.state() == KafkaStreams.State.RUNNING);
  }

  /**
   * Starts another instance of {@code first}'s application; it joins the group in the background,
   * so the caller waits for the rebalance it wants to see.
   */
  static RunningProcessor joining(RunningProcessor first) throws Exception {
    return new RunningProcessor(
        first.kafka, first.registryServer, false, first.applicationId, first.extraConfig);
  }

  private RunningProcessor(
      TestKafka kafka,
      SchemaRegistryServer registryServer,
      boolean ownsRegistry,
      String applicationId,
      Map<String, Object> extraConfig)
      throws Exception {
    this.kafka = kafka;
    this.registryServer = registryServer;
    this.ownsRegistry = ownsRegistry;
    this.applicationId = applicationId;
    this.extraConfig = Map.copyOf(extraConfig);
    this.schemas =
        new SchemaRegistryClient(RegistryClientSettings.of(registryServer.url().toString()));
    ensureTopics(kafka);
    SagaTopology.Settings settings = SagaTopology.Settings.of(schemas, true, counters);
    stateDir = TempDirs.create("api-it-state");
    Map<String, Object> config =
        new java.util.HashMap<>(
            Map.of(
                StreamsConfig.APPLICATION_ID_CONFIG,
                applicationId,
                StreamsConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                StreamsConfig.STATE_DIR_CONFIG,
                stateDir.toString(),
                StreamsConfig.NUM_STREAM_THREADS_CONFIG,
                1,
                StreamsConfig.APPLICATION_SERVER_CONFIG,
                "127.0.0.1:" + apiPort));
    config.putAll(extraConfig);
    Properties props = SagaStreamsConfig.create(config, settings.deadLetters());
    streams = new KafkaStreams(SagaTopology.build(SAGAS, settings), props);
    streams.start();
    Properties producerProps = kafka.clientProperties();
    producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
    producer =
        new KafkaProducer<>(producerProps, new StringSerializer(), new ByteArraySerializer());
  }

  /** The saga topics: every core topic and every command topic of the example saga. */
  static Set<String> sagaTopics() {
    Set<String> topics = new TreeSet<>(SagaTopics.CORE);
    topics.addAll(SagaTopics.commandTopics(SAGAS));
    return topics;
  }

  /**
   * Creates the saga topics unless an earlier test class in this JVM already did, and refuses to
   * run on topics of another partition count (a test that counts on partitions spreading over
   * instances would otherwise pass or fail by class order).
   */
  private static void ensureTopics(TestKafka kafka) throws Exception {
    Set<String> wanted = sagaTopics();
    try (Admin admin = kafka.admin()) {
      Set<String> existing = new TreeSet<>(admin.listTopics().names().get());
      existing.retainAll(wanted);
      for (TopicDescription topic : admin.describeTopics(existing).allTopicNames().get().values()) {
        if (topic.partitions().size() != SAGA_TOPIC_PARTITIONS) {
          throw new IllegalStateException(
              topic.name()
                  + " has "
                  + topic.partitions().size()
                  + " partitions; the API tests expect "
                  + SAGA_TOPIC_PARTITIONS);
        }
      }
      wanted.removeAll(existing);
    }
    for (String topic : wanted) {
      kafka.createTopicNamed(topic, SAGA_TOPIC_PARTITIONS, Map.of());
    }
  }

  /** This instance's application.server, as the other instances and the status view name it. */
  /**
   * Waits until all {@code instances} run and, as each of them sees it, each owns some of the
   * partitions and together they own all: only then do forwarded reads have a stable target.
   */
  static void awaitSettled(List<RunningProcessor> instances) {
    Set<HostInfo> hosts =
        instances.stream().map(RunningProcessor::address).collect(Collectors.toSet());
    await()
        .atMost(Duration.ofSeconds(90))
        .until(() -> instances.stream().allMatch(instance -> settled(instance, hosts)));
  }

  private static boolean settled(RunningProcessor instance, Set<HostInfo> hosts) {
    if (instance.streams.state() != KafkaStreams.State.RUNNING) {
      return false;
    }
    Map<HostInfo, Long> owned =
        instance.streams.metadataForAllStreamsClients().stream()
            .collect(
                Collectors.toMap(
                    StreamsMetadata::hostInfo,
                    m ->
                        m.topicPartitions().stream()
                            .filter(tp -> tp.topic().equals(SagaTopics.REQUESTS))
                            .count()));
    return owned.keySet().equals(hosts)
        && owned.values().stream().allMatch(n -> n > 0)
        && owned.values().stream().mapToLong(Long::longValue).sum()
            == RunningProcessor.SAGA_TOPIC_PARTITIONS;
  }

  /** Where this instance's Streams metadata places {@code sagaId}: active and standby hosts. */
  KeyQueryMetadata metadata(String sagaId) {
    return streams.queryMetadataForKey(
        SagaTopology.STATE_STORE, sagaId, Serdes.String().serializer());
  }

  /** {@code host:port}, as the API names an instance in {@code freshness.instance}. */
  static String hostPort(HostInfo host) {
    return host.host() + ":" + host.port();
  }

  HostInfo address() {
    return new HostInfo("127.0.0.1", apiPort);
  }

  /** Settings for a server of this processor: its application.server, schemas auto-registered. */
  ApiSettings settings() {
    return ApiSettings.defaults().withAdvertised(address()).withAutoRegister(true);
  }

  /**
   * Starts an API server over this processor that advertises an address of its own, which the
   * processor's metadata never names: it has to ask the owner over HTTP for every read.
   */
  SagaApiServer serverElsewhere() {
    int port = FreePorts.pick();
    return server(settings().withPort(port).withAdvertised(new HostInfo("127.0.0.1", port)));
  }

  /** Starts an API server with {@code settings}; closed with the processor. */
  SagaApiServer server(ApiSettings settings) {
    SagaApiServer server =
        new SagaApiServer(streams, SAGAS, schemas, producer, counters, settings).start();
    servers.add(server);
    return server;
  }

  /**
   * Starts an API server with {@code settings} and dead-letter redrive; closed with the processor.
   */
  SagaApiServer serverWithRedrive(ApiSettings settings) {
    SagaApiServer server =
        new SagaApiServer(
                streams,
                SAGAS,
                schemas,
                producer,
                counters,
                settings,
                HealthSignals.of(StreamThreadReplacements.withDefaults()),
                RedriveClients.of(
                    Map.of("bootstrap.servers", kafka.bootstrapServers()), applicationId))
            .start();
    servers.add(server);
    return server;
  }

  /**
   * Closes like a deployment's clean shutdown: HTTP first, then the producer, then Kafka Streams
   * (commit, flush, leave the group). Idempotent, so a test may close an instance early.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    servers.forEach(SagaApiServer::close);
    producer.close(Duration.ofSeconds(5));
    // Leave the group, as SagaProcessor does: a dynamic member that stays would keep its
    // partitions, unanswered, until the session times out.
    streams.close(
        CloseOptions.timeout(Duration.ofSeconds(30))
            .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
    if (ownsRegistry) {
      registryServer.close();
    }
    TempDirs.delete(stateDir);
  }
}
