package io.sagaflow.app;

import io.sagaflow.app.config.RunMode;
import io.sagaflow.app.config.SagaflowConfig;
import io.sagaflow.app.demo.DemoWorkload;
import io.sagaflow.app.modules.ModuleLoader;
import io.sagaflow.app.modules.SagaModules;
import io.sagaflow.app.participants.SimulatedParticipants;
import io.sagaflow.embedded.kafka.EmbeddedKafkaBroker;
import io.sagaflow.embedded.kafka.FreePorts;
import io.sagaflow.embedded.registry.SchemaRegistryServer;
import io.sagaflow.serde.RegistryClientSettings;
import io.sagaflow.serde.SchemaRegistry;
import io.sagaflow.serde.SchemaRegistryClient;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parts one instance runs, started in dependency order and closed in reverse: in embedded mode
 * the broker and the schema registry, then topics, then (when sagas are enabled) the saga
 * processor, the simulated participants, the HTTP API (whose readiness watches both) and the demo
 * workload; with sagas disabled only the HTTP API, which says so.
 */
final class SagaflowRuntime implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SagaflowRuntime.class);

  /** What the app prints and logs when the saga flag is off. */
  static final String DISABLED_MESSAGE =
      "Sagas are DISABLED (saga.enabled=false): consuming nothing; saga inputs wait in their"
          + " topics. Set SAGA_ENABLED=true (or --enabled true) and restart to process them.";

  private final SagaflowConfig configured;
  private SagaModules modules;
  private final Deque<AutoCloseable> started = new ArrayDeque<>();
  private SagaflowConfig effective;
  private Optional<SagaProcessor> processor = Optional.empty();
  private Optional<DemoWorkload> demo = Optional.empty();
  private OptionalInt httpPort = OptionalInt.empty();
  private Optional<Tracing> tracing = Optional.empty();

  SagaflowRuntime(SagaflowConfig config) {
    this.configured = config;
    this.effective = config;
  }

  /** A runtime for {@code modules} handed over by a library user, not loaded from a path. */
  SagaflowRuntime(SagaflowConfig config, SagaModules modules) {
    this(config);
    this.modules = modules;
  }

  /**
   * Traces to {@code given} instead of what the environment configures; for tests that read the
   * spans back. The runtime closes it.
   */
  SagaflowRuntime tracing(Tracing given) {
    this.tracing = Optional.of(given);
    return this;
  }

  /** Starts every part; on failure closes what was started and rethrows. */
  SagaflowRuntime start() {
    // Before anything starts: a bad plugin should stop start-up in a second, not after a broker.
    if (modules == null) {
      modules = ModuleLoader.load(configured.pluginPath());
    }
    LOG.info("Saga modules:\n{}", modules.describe());
    // A plugin's generated Avro classes copy nested records (Builder copies, deepCopy) through
    // Avro's default model, which finds classes through the thread's context class loader. Every
    // thread started from here (stream threads, HTTP, participants, demo) inherits this one, which
    // sees the modules' classes; without it a nested record becomes a GenericData.Record.
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    thread.setContextClassLoader(modules.classLoader());
    try {
      return startParts();
    } finally {
      thread.setContextClassLoader(previous);
    }
  }

  private SagaflowRuntime startParts() {
    try {
      if (configured.mode() == RunMode.EMBEDDED) {
        startEmbedded();
      }
      LOG.info("Effective configuration:\n{}", effective.describe());
      if (effective.createTopics()) {
        TopicProvisioner.ensure(
            effective, SagaflowTopics.all(modules.registry(), effective.dlqRetention()));
      }
      if (!effective.enabled()) {
        LOG.warn("{} (env={})", DISABLED_MESSAGE, effective.env().settingValue());
        // Served all the same, so clients and probes learn why instead of meeting a closed port.
        HttpApi api = HttpApi.sagasDisabled(effective);
        started.push(api);
        httpPort = OptionalInt.of(api.port());
        return this;
      }
      SchemaRegistry schemas =
          new SchemaRegistryClient(RegistryClientSettings.of(effective.requireSchemaRegistryUrl()));
      if (!effective.autoRegister()) {
        SchemaAudit.requireRegistered(schemas, modules.registry(), effective);
      }
      // Other instances forward reads to application.server, so it must name this instance's HTTP
      // address before the processor joins its group.
      HostInfo address =
          new HostInfo(
              effective.http().host(),
              effective.http().port() == 0 ? FreePorts.pick() : effective.http().port());
      SagaflowConfig withServer =
          effective.withKafkaSetting("application.server", address.host() + ":" + address.port());
      Tracing tracing = this.tracing.orElseGet(Tracing::fromEnvironment);
      // Pushed before the parts that trace, so it is closed after them and flushes their spans.
      started.push(tracing);
      SagaProcessor saga = SagaProcessor.start(withServer, modules.registry(), schemas, tracing);
      started.push(saga);
      processor = Optional.of(saga);
      // Before the HTTP API, so the API is closed before them and readiness never reports the
      // participants a shutdown stops.
      Optional<SimulatedParticipants> participants =
          effective.participants().enabled()
              ? Optional.of(
                  SimulatedParticipants.start(
                      effective,
                      schemas,
                      modules,
                      tracing.openTelemetry(),
                      Optional.of(saga.counters().registry())))
              : Optional.empty();
      participants.ifPresent(started::push);
      HttpApi api =
          HttpApi.start(
              withServer,
              address,
              saga,
              () -> participants.map(SimulatedParticipants::health).orElse(List.of()),
              modules.registry(),
              schemas);
      started.push(api);
      httpPort = OptionalInt.of(api.port());
      RolloutWebhook.startIfConfigured(withServer, schemas).ifPresent(started::push);
      if (effective.demo().enabled()) {
        DemoWorkload workload = DemoWorkload.start(effective, schemas, modules);
        started.push(workload);
        demo = Optional.of(workload);
      }
      return this;
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  private void startEmbedded() {
    EmbeddedKafkaBroker broker =
        EmbeddedKafkaBroker.builder()
            .dataDir(configured.dataDir().resolve("kafka"))
            .brokerPort(configured.kafkaPort())
            .build();
    started.push(broker);
    broker.start();
    effective = configured.withBootstrapServers(broker.bootstrapServers());
    // Schemas live in a compacted topic on the broker, so ids survive a restart.
    SchemaRegistryServer registry = SchemaRegistryServer.startOnKafka(0, broker.bootstrapServers());
    started.push(registry);
    effective = effective.withSchemaRegistryUrl(registry.url().toString());
  }

  /** The configuration in force, with embedded addresses filled in. */
  SagaflowConfig config() {
    return effective;
  }

  /** The port the HTTP API listens on, once started. */
  OptionalInt httpPort() {
    return httpPort;
  }

  /** Where this instance can be reached, once started. */
  Addresses addresses() {
    return new Addresses(
        effective.kafka().get("bootstrap.servers"),
        effective.schemaRegistryUrl().orElse("-"),
        "http://" + effective.http().host() + ":" + httpPort.orElseThrow());
  }

  /** The demo workload, when this instance drives one. */
  Optional<DemoWorkload> demo() {
    return demo;
  }

  /** One line for the health output: whether sagas are enabled and the processor's state. */
  String health() {
    return processor
        .map(p -> "health  sagas ENABLED | processor " + p.state())
        .orElse("health  " + DISABLED_MESSAGE);
  }

  @Override
  public void close() {
    while (!started.isEmpty()) {
      AutoCloseable part = started.pop();
      try {
        part.close();
      } catch (Exception e) {
        LOG.error("Could not close {} cleanly: {}", part.getClass().getSimpleName(), e, e);
      }
    }
    processor = Optional.empty();
    demo = Optional.empty();
    httpPort = OptionalInt.empty();
  }
}
