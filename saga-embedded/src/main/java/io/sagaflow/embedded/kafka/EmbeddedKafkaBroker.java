package io.sagaflow.embedded.kafka;

import io.sagaflow.embedded.TempDirs;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.TransactionalIdNotFoundException;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka cluster (one process acting as KRaft controller and broker) built from Apache
 * Kafka's own server classes. Every listener binds to 127.0.0.1.
 *
 * <p>The settings make transactions and consumer groups work on one node: the internal topics
 * (offsets, transaction state) have replication factor 1 and min ISR 1, so exactly-once producers
 * and Kafka Streams with {@code exactly_once_v2} run against it unchanged.
 *
 * <p>With a {@linkplain Builder#dataDir persistent data directory} the cluster id and every topic
 * survive a restart; without one a temporary directory is used and deleted on {@link #close()}.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
  private static final String WARM_UP_ID = "sagaflow-embedded-warm-up";
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
  private static final String HOST = "127.0.0.1";
  private static final int NODE_ID = 1;
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
  private static final int INTERNAL_PARTITIONS = 4;
  private static final long TOPIC_POLL_MS = 100;

  private final Path dataDir;
  private final boolean temporary;
  private final int brokerPort;
  private final int controllerPort;
  private final Map<String, String> overrides;
  private KafkaRaftServer server;

  private EmbeddedKafkaBroker(Builder builder) {
    this.temporary = builder.dataDir.isEmpty();
    this.dataDir = builder.dataDir.orElseGet(EmbeddedKafkaBroker::tempDir);
    this.brokerPort = builder.brokerPort == 0 ? FreePorts.pick() : builder.brokerPort;
    this.controllerPort = builder.controllerPort == 0 ? FreePorts.pick() : builder.controllerPort;
    this.overrides = Map.copyOf(builder.overrides);
  }

  /** Starts building a broker; with no further settings it uses free ports and a temporary dir. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Formats the log directory if it is new, starts the server and waits until it answers an admin
   * request.
   *
   * @throws IllegalStateException if the broker is already running or does not become ready
   */
  public synchronized EmbeddedKafkaBroker start() {
    if (server != null) {
      throw new IllegalStateException("Broker already running at " + bootstrapServers());
    }
    Map<String, String> props = serverProperties();
    KafkaConfig config = new KafkaConfig(props, false);
    format(config);
    server = new KafkaRaftServer(config, Time.SYSTEM);
    server.startup();
    awaitReady();
    LOG.info("Embedded Kafka broker ready at {} (data in {})", bootstrapServers(), dataDir);
    return this;
  }

  /** The address clients connect to: {@code 127.0.0.1:<port>}. */
  public String bootstrapServers() {
    return HOST + ":" + brokerPort;
  }

  /** The directory holding the broker's logs and metadata. */
  public Path dataDir() {
    return dataDir;
  }

  /** Whether the broker has been started and not yet closed. */
  public synchronized boolean isRunning() {
    return server != null;
  }

  /**
   * The listener settings this broker runs with, so callers can check where it is reachable. Keys
   * are {@code listeners}, {@code advertised.listeners} and {@code controller.quorum.voters}.
   */
  public Map<String, String> listenerSettings() {
    Map<String, String> props = serverProperties();
    Map<String, String> result = new LinkedHashMap<>();
    for (String key : List.of("listeners", "advertised.listeners", "controller.quorum.voters")) {
      result.put(key, props.get(key));
    }
    return result;
  }

  /** Stops the server, waits for it to finish, and deletes the data directory if temporary. */
  @Override
  public synchronized void close() {
    if (server != null) {
      server.shutdown();
      server.awaitShutdown();
      server = null;
      LOG.info("Embedded Kafka broker at {} stopped", bootstrapServers());
    }
    if (temporary) {
      deleteRecursively(dataDir);
    }
  }

  private Map<String, String> serverProperties() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("process.roles", "broker,controller");
    p.put("node.id", Integer.toString(NODE_ID));
    p.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
    p.put(
        "listeners",
        "PLAINTEXT://" + HOST + ":" + brokerPort + ",CONTROLLER://" + HOST + ":" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + brokerPort);
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("log.dirs", dataDir.resolve("logs").toString());
    // One node: every internal topic must be satisfiable with a single replica, or transactions and
    // consumer groups wait forever for replicas that do not exist.
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", Integer.toString(INTERNAL_PARTITIONS));
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", Integer.toString(INTERNAL_PARTITIONS));
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("default.replication.factor", "1");
    p.put("min.insync.replicas", "1");
    p.put("num.partitions", "1");
    // Topics are created explicitly by the app and by tests; a typo must not create a topic.
    p.put("auto.create.topics.enable", "false");
    // Under transactions v2 a transaction's first produce to a partition whose previous commit
    // markers are still being written is retried by the broker, but only for 100 ms by default;
    // past that it answers CONCURRENT_TRANSACTIONS, the producer retries and logs a WARN, and
    // the same producer's other in-flight batch for that partition is refused with an ERROR
    // (OutOfOrderSequence, "expected sequence 0"), also retried. Nothing is lost, but on a busy
    // laptop both show in a healthy run. Waiting up to 5 s (within the produce request's 30 s
    // timeout) keeps the retry inside the broker. See docs/operations.md.
    p.put("add.partitions.to.txn.retry.backoff.max.ms", "5000");
    // Tests and the local run start consumer groups immediately; the default 3 s delay only slows
    // them.
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("log.segment.bytes", Integer.toString(16 * 1024 * 1024));
    p.put("log.cleaner.dedupe.buffer.size", Integer.toString(8 * 1024 * 1024));
    p.putAll(overrides);
    return p;
  }

  private void format(KafkaConfig config) {
    Path metaProperties = dataDir.resolve("logs").resolve("meta.properties");
    if (Files.exists(metaProperties)) {
      return;
    }
    try {
      Files.createDirectories(dataDir.resolve("logs"));
      new Formatter()
          .setPrintStream(
              new java.io.PrintStream(java.io.OutputStream.nullOutputStream(), true, "UTF-8"))
          .setNodeId(NODE_ID)
          .setClusterId(Uuid.randomUuid().toString())
          .setDirectories(List.of(dataDir.resolve("logs").toString()))
          .setMetadataLogDirectory(config.metadataLogDir())
          .setControllerListenerName("CONTROLLER")
          .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
          .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
          .run();
    } catch (Exception e) {
      throw new IllegalStateException("Could not format Kafka log directory " + dataDir, e);
    }
  }

  private void awaitReady() {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    try (Admin admin = Admin.create(props)) {
      admin.describeCluster().nodes().get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      createCoordinatorTopics(admin);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for the broker", e);
    } catch (ExecutionException | TimeoutException e) {
      close();
      throw new IllegalStateException(
          "Embedded broker did not answer within " + READY_TIMEOUT + " at " + bootstrapServers(),
          e);
    }
  }

  /**
   * Creates __consumer_offsets and __transaction_state now, before any client needs them. Created
   * on first use instead, by coordinator lookups, concurrent and retried lookups race to create
   * them, and the losers log a WARN (DefaultAutoTopicCreationManager, TOPIC_ALREADY_EXISTS) in the
   * middle of a healthy start; even a single admin client's lookups did. So they are created
   * explicitly, with the partitions and settings the broker would give them, and waited for; only
   * then are the coordinators looked up, which also waits for them to be loaded.
   */
  private static void createCoordinatorTopics(Admin admin)
      throws InterruptedException, ExecutionException, TimeoutException {
    createInternal(admin, "__consumer_offsets", Map.of("compression.type", "producer"));
    createInternal(
        admin,
        "__transaction_state",
        Map.of("min.insync.replicas", "1", "unclean.leader.election.enable", "false"));
    try {
      admin
          .describeConsumerGroups(List.of(WARM_UP_ID))
          .all()
          .get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      // Found the coordinator, so the topic exists; the group does not, and need not.
      if (!(e.getCause() instanceof GroupIdNotFoundException)) {
        throw e;
      }
    }
    try {
      admin
          .describeTransactions(List.of(WARM_UP_ID))
          .all()
          .get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      // The coordinator was found, so the topic exists; the transactional id never will.
      if (!(e.getCause() instanceof TransactionalIdNotFoundException)) {
        throw e;
      }
    }
  }

  /** Creates an internal topic as its coordinator would, unless it exists, then waits for it. */
  private static void createInternal(Admin admin, String topic, Map<String, String> configs)
      throws InterruptedException, ExecutionException, TimeoutException {
    Map<String, String> all = new LinkedHashMap<>(configs);
    all.put("cleanup.policy", "compact");
    all.put("segment.bytes", Integer.toString(100 * 1024 * 1024));
    try {
      admin
          .createTopics(List.of(new NewTopic(topic, INTERNAL_PARTITIONS, (short) 1).configs(all)))
          .all()
          .get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw e;
      }
    }
    awaitTopic(admin, topic);
  }

  /**
   * Waits until {@code topic} exists and every partition of it has a leader. It is looked for in
   * the list of all topics: a metadata request naming a missing internal topic would ask for it to
   * be created again, which is the race this avoids.
   */
  private static void awaitTopic(Admin admin, String topic)
      throws InterruptedException, ExecutionException, TimeoutException {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get().contains(topic)
          && admin
              .describeTopics(List.of(topic))
              .allTopicNames()
              .get()
              .get(topic)
              .partitions()
              .stream()
              .allMatch(p -> p.leader() != null)) {
        return;
      }
      // A topic the controller is creating shows within a few hundred ms; nothing to wake on.
      Thread.sleep(TOPIC_POLL_MS);
    }
    throw new TimeoutException(topic + " was not created within " + READY_TIMEOUT);
  }

  private static Path tempDir() {
    return TempDirs.create("sagaflow-kafka-");
  }

  private static void deleteRecursively(Path root) {
    try {
      TempDirs.delete(root);
    } catch (UncheckedIOException e) {
      LOG.warn("Could not delete temporary Kafka directory {}: {}", root, e.getCause().toString());
    }
  }

  /** Settings of an {@link EmbeddedKafkaBroker}. */
  public static final class Builder {
    private Optional<Path> dataDir = Optional.empty();
    private int brokerPort;
    private int controllerPort;
    private final Map<String, String> overrides = new LinkedHashMap<>();

    private Builder() {}

    /** Keeps logs and metadata in {@code dir}, so topics survive a restart. */
    public Builder dataDir(Path dir) {
      this.dataDir = Optional.of(Objects.requireNonNull(dir, "dir"));
      return this;
    }

    /** The client port; 0 (the default) picks a free one. */
    public Builder brokerPort(int port) {
      this.brokerPort = checkPort(port, "brokerPort");
      return this;
    }

    /** The KRaft controller port; 0 (the default) picks a free one. */
    public Builder controllerPort(int port) {
      this.controllerPort = checkPort(port, "controllerPort");
      return this;
    }

    /** Overrides one server setting, for example {@code log.retention.ms}. */
    public Builder serverProperty(String key, String value) {
      overrides.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /** Creates the broker; call {@link EmbeddedKafkaBroker#start()} to run it. */
    public EmbeddedKafkaBroker build() {
      return new EmbeddedKafkaBroker(this);
    }

    private static int checkPort(int port, String name) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException(name + " must be between 0 and 65535, got " + port);
      }
      return port;
    }
  }
}
