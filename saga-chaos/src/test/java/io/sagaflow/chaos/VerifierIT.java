package io.sagaflow.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sagaflow.app.ClientProperties;
import io.sagaflow.app.Sagaflow;
import io.sagaflow.app.config.ConfigLoader;
import io.sagaflow.app.config.SagaflowConfig;
import io.sagaflow.app.demo.EventReader;
import io.sagaflow.app.demo.SagaProgress;
import io.sagaflow.app.demo.StartRequests;
import io.sagaflow.app.modules.LoadedModule;
import io.sagaflow.app.modules.ModuleLoader;
import io.sagaflow.app.modules.SagaModules;
import io.sagaflow.app.participants.SimulatedParticipants;
import io.sagaflow.contract.SagaEvent;
import io.sagaflow.contract.SagaEventType;
import io.sagaflow.contract.SagaStateRecord;
import io.sagaflow.embedded.kafka.EmbeddedKafkaBroker;
import io.sagaflow.embedded.registry.SchemaRegistryServer;
import io.sagaflow.module.DemoData;
import io.sagaflow.serde.AvroDeserializer;
import io.sagaflow.serde.RegistryClientSettings;
import io.sagaflow.serde.SagaEventFacts;
import io.sagaflow.serde.SchemaRegistry;
import io.sagaflow.serde.SchemaRegistryClient;
import io.sagaflow.topology.SagaTopics;
import io.sagaflow.topology.SagaTopology;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The verifier against a real broker: a clean run of the example sagas (processor and participants
 * in this JVM) passes; then the same cluster is spoiled twice, and each time the verifier fails
 * naming what was spoiled. The tests run in order on one cluster, each spoiling it further.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VerifierIT {
  private static final String RUN = "it-verify";
  private static final int PER_TYPE = 20;
  private static final int GARBAGE = 2;

  private EmbeddedKafkaBroker broker;
  private SchemaRegistryServer registry;
  private SchemaRegistry schemas;
  private SagaModules modules;
  private SagaflowConfig config;
  private Sagaflow processor;
  private SimulatedParticipants participants;
  private final List<StartedSaga> started = new ArrayList<>();

  @BeforeAll
  void runCleanly(@TempDir Path work) throws Exception {
    broker = EmbeddedKafkaBroker.builder().dataDir(work.resolve("broker")).build().start();
    registry = SchemaRegistryServer.startOnKafka(0, broker.bootstrapServers());
    schemas = new SchemaRegistryClient(RegistryClientSettings.of(registry.url().toString()));
    modules = ModuleLoader.load(Optional.empty());
    config = config(work.resolve("participants"));

    Sagaflow.Builder builder =
        Sagaflow.builder()
            .environment(Map.of())
            .bootstrapServers(broker.bootstrapServers())
            .schemaRegistryUrl(registry.url().toString())
            .dataDir(work.resolve("processor"))
            .set("saga.env", "preview")
            .set("saga.participants.enabled", "false");
    modules.modules().stream().map(LoadedModule::module).forEach(builder::module);
    processor = builder.start();
    participants = SimulatedParticipants.start(config, schemas, modules);

    started.addAll(StartedSaga.ofRun(modules, RUN, PER_TYPE));
    try (StartRequests requests =
        new StartRequests(config, schemas, config.participants().seed(), modules.classLoader())) {
      for (DemoData demo : modules.demoData()) {
        requests.send(
            demo,
            started.stream()
                .filter(s -> s.sagaType().equals(demo.sagaType()))
                .map(StartedSaga::sagaId)
                .toList(),
            () -> {});
      }
    }
    sendGarbage(GARBAGE);
    awaitSettled(started.size());
  }

  @AfterAll
  void stop() {
    if (participants != null) {
      participants.close();
    }
    if (processor != null) {
      processor.close();
    }
    if (registry != null) {
      registry.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  @Order(1)
  void shouldPassACleanRun() throws InterruptedException {
    VerificationReport report = verify(started);

    assertThat(report.violations()).isEmpty();
    assertThat(report.passed()).isTrue();
    assertThat(report.figures())
        .anySatisfy(f -> assertThat(f).startsWith("sagas 40 |").contains("lost 0"))
        .anySatisfy(
            f ->
                assertThat(f)
                    .startsWith("state replay: sagas 40 |")
                    .contains("equal to saga-state 40 | differing 0 | not replayable 0"))
        .anySatisfy(
            f -> assertThat(f).startsWith("timeouts ").contains("reply read before the timer 0"))
        .anySatisfy(f -> assertThat(f).contains("duplicate ids 0"))
        .anySatisfy(f -> assertThat(f).startsWith("dead letters 2 (expected 2)"));
  }

  @Test
  @Order(2)
  void shouldFailWhenACommandIsCommittedTwice() throws Exception {
    // Given a committed command copied, headers and all, back onto its topic
    String plantedId = plantDuplicateCommand();

    // When the run is verified
    VerificationReport report = verify(started);

    // Then it fails, naming the command id
    assertThat(report.passed()).isFalse();
    assertThat(report.violations(Violation.Kind.DUPLICATE_COMMAND))
        .singleElement()
        .satisfies(v -> assertThat(v.detail()).contains(plantedId).contains("2 times"));
  }

  @Test
  @Order(3)
  void shouldFailWhenASagaIsLeftUnfinished() throws InterruptedException {
    // Given a saga started while no participant answers, so it waits for its first reply
    participants.close();
    participants = null;
    StartedSaga waiting = new StartedSaga(RUN + "-order-99999", orders().sagaType());
    try (StartRequests requests =
        new StartRequests(config, schemas, config.participants().seed(), modules.classLoader())) {
      requests.send(orders(), List.of(waiting.sagaId()), () -> {});
    }
    awaitStarted(waiting.sagaId());
    List<StartedSaga> withWaiting = new ArrayList<>(started);
    withWaiting.add(waiting);

    // When the run is verified with that saga among the started ones
    VerificationReport report = verify(withWaiting);

    // Then it fails, naming the saga as lost
    assertThat(report.passed()).isFalse();
    assertThat(report.violations(Violation.Kind.LOST))
        .singleElement()
        .satisfies(
            v -> assertThat(v.detail()).contains(waiting.sagaId()).contains("last status RUNNING"));
    assertThat(report.figures()).anySatisfy(f -> assertThat(f).contains("lost 1"));
    // And it tells that saga's committed record: started, one command, no reply
    assertThat(report.stories().get(waiting.sagaId()))
        .anySatisfy(line -> assertThat(line).contains("event   SAGA_STARTED"))
        .anySatisfy(line -> assertThat(line).contains("command ACTION"))
        .noneSatisfy(line -> assertThat(line).contains("reply"));
  }

  @Test
  @Order(4)
  void shouldFailWhenATimerFiresForAnAttemptWhoseReplyWasRead() throws Exception {
    // Given a saga whose first step succeeded on its reply, and then a timeout of that very
    // attempt committed after it, as a processor that fired the timer anyway would have
    CommittedRecord succeeded = firstEvent(RUN + "-transfer-", SagaEventType.STEP_SUCCEEDED);
    String sagaId = succeeded.event().getSagaId();
    SagaEvent timeout =
        SagaEvent.newBuilder(succeeded.event())
            .setEventType(SagaEventType.STEP_RETRY_SCHEDULED)
            .setReason("TIMEOUT: no reply within the step timeout")
            .setAt(Instant.now())
            .build();
    plant(
        SagaTopics.EVENTS,
        succeeded.partition(),
        sagaId,
        SagaTopics.EVENT_RECORDS.serializer(schemas, false).serialize(SagaTopics.EVENTS, timeout));

    // When the run is verified
    VerificationReport report = verify(started);

    // Then it fails, naming the saga, the step and attempt, and the reply that had been read
    assertThat(report.violations(Violation.Kind.TIMER_BEAT_REPLY))
        .singleElement()
        .satisfies(
            v ->
                assertThat(v.detail())
                    .contains(sagaId + " step " + succeeded.event().getStep() + " attempt 1")
                    .contains("had been read")
                    .contains("saga.replies-"));
    // And the replay cannot explain that event either
    assertThat(report.violations(Violation.Kind.STATE_NOT_REPLAYABLE))
        .anySatisfy(v -> assertThat(v.detail()).startsWith(sagaId + ": "));
  }

  @Test
  @Order(5)
  void shouldFailWhenTheStoredStateIsNotTheReplayOfTheInputs() throws Exception {
    // Given a saga whose last saga-state record is rewritten with another status of its first
    // step: the saga's status stays what its events say, so only a replay can tell
    String sagaId = RUN + "-order-00003";
    String changelog = "sagaflow-" + SagaTopology.STATE_STORE + "-changelog";
    List<ConsumerRecord<byte[], byte[]>> last = new ArrayList<>();
    new CommittedReader(broker.bootstrapServers(), Duration.ofSeconds(30))
        .read(
            changelog,
            r -> {
              if (sagaId.equals(new String(r.key(), StandardCharsets.UTF_8))) {
                last.clear();
                last.add(r);
              }
            });
    ConsumerRecord<byte[], byte[]> original = last.get(0);
    SagaStateRecord state =
        SagaTopics.STATE_RECORDS.deserializer(schemas).deserialize(changelog, original.value());
    String was = state.getSteps().get(0).getStatus();
    String wrong = was.equals("SUCCEEDED") ? "COMPENSATED" : "SUCCEEDED";
    SagaStateRecord spoiled = SagaStateRecord.newBuilder(state).build();
    spoiled.getSteps().get(0).setStatus(wrong);
    plant(
        changelog,
        original.partition(),
        sagaId,
        SagaTopics.STATE_RECORDS.serializer(schemas, false).serialize(changelog, spoiled));

    // When the run is verified
    VerificationReport report = verify(started);

    // Then it fails, naming the saga and the first difference
    assertThat(report.violations(Violation.Kind.STATE_NOT_REPLAYABLE))
        .anySatisfy(
            v ->
                assertThat(v.detail())
                    .startsWith(sagaId + ": saga-state (" + changelog)
                    .contains("status: changelog " + wrong + ", replay " + was));
    assertThat(report.violations(Violation.Kind.STATE_DISAGREES))
        .noneSatisfy(v -> assertThat(v.detail()).contains(sagaId));
  }

  /** A committed fact (as a one-fact event) and its partition. */
  private record CommittedRecord(SagaEvent event, int partition) {}

  private CommittedRecord firstEvent(String sagaIdPrefix, SagaEventType type) {
    List<CommittedRecord> found = new ArrayList<>();
    AvroDeserializer<SagaEvent> events = SagaTopics.EVENT_RECORDS.deserializer(schemas);
    new CommittedReader(broker.bootstrapServers(), Duration.ofSeconds(30))
        .read(
            SagaTopics.EVENTS,
            r -> {
              for (SagaEvent e : SagaEventFacts.of(events.deserialize(r.topic(), r.value()))) {
                if (found.isEmpty()
                    && e.getSagaId().startsWith(sagaIdPrefix)
                    && e.getEventType() == type) {
                  found.add(new CommittedRecord(e, r.partition()));
                }
              }
            });
    return found.get(0);
  }

  private void plant(String topic, int partition, String key, byte[] value) throws Exception {
    // Committed in a transaction of its own, as the processor writes every record of a decision.
    try (KafkaProducer<byte[], byte[]> producer =
        producer(Optional.of("planted-" + UUID.randomUUID()))) {
      producer.initTransactions();
      producer.beginTransaction();
      producer
          .send(new ProducerRecord<>(topic, partition, key.getBytes(StandardCharsets.UTF_8), value))
          .get();
      producer.commitTransaction();
    }
  }

  private VerificationReport verify(List<StartedSaga> sagas) throws InterruptedException {
    VerificationReport report =
        Verifier.verify(
            new VerifierSettings(
                broker.bootstrapServers(),
                registry.url().toString(),
                "sagaflow",
                sagas,
                config.participants(),
                GARBAGE,
                Duration.ofSeconds(30),
                Duration.ofSeconds(60)),
            modules);
    report.print(System.out);
    return report;
  }

  private SagaflowConfig config(Path dataDir) {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("saga.mode", "external");
    settings.put("saga.env", "preview");
    settings.put("kafka.bootstrap.servers", broker.bootstrapServers());
    settings.put("saga.schema.registry.url", registry.url().toString());
    settings.put("saga.data.dir", dataDir.toString());
    settings.put("saga.demo.enabled", "false");
    return ConfigLoader.load(Map.of(), settings);
  }

  private DemoData orders() {
    return modules.demoData().stream()
        .filter(d -> d.noun().equals("order"))
        .findFirst()
        .orElseThrow();
  }

  private void sendGarbage(int count) throws Exception {
    try (KafkaProducer<byte[], byte[]> producer = producer(Optional.empty())) {
      for (int i = 0; i < count; i++) {
        // A first byte other than 0 is no registry wire format: undecodable by construction.
        byte[] value = ("not avro " + i).getBytes(StandardCharsets.UTF_8);
        producer
            .send(
                new ProducerRecord<>(
                    SagaTopics.REQUESTS,
                    (RUN + "-garbage-" + i).getBytes(StandardCharsets.UTF_8),
                    value))
            .get();
      }
    }
  }

  private String plantDuplicateCommand() throws Exception {
    String topic = SagaTopics.commandTopics(modules.registry()).iterator().next();
    List<ConsumerRecord<byte[], byte[]>> first = new ArrayList<>();
    new CommittedReader(broker.bootstrapServers(), Duration.ofSeconds(30))
        .read(
            topic,
            r -> {
              if (first.isEmpty()) {
                first.add(r);
              }
            });
    ConsumerRecord<byte[], byte[]> original = first.get(0);
    // Committed in a transaction of its own, as a processor that wrote it twice would have.
    try (KafkaProducer<byte[], byte[]> producer =
        producer(Optional.of("planted-" + UUID.randomUUID()))) {
      producer.initTransactions();
      producer.beginTransaction();
      producer
          .send(
              new ProducerRecord<>(
                  topic,
                  original.partition(),
                  original.key(),
                  original.value(),
                  original.headers()))
          .get();
      producer.commitTransaction();
    }
    return new String(original.headers().lastHeader("ce_id").value(), StandardCharsets.UTF_8);
  }

  private KafkaProducer<byte[], byte[]> producer(Optional<String> transactionalId) {
    Properties props = ClientProperties.producer(config, "verifier-it");
    transactionalId.ifPresent(id -> props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, id));
    return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
  }

  private void awaitSettled(int sagas) {
    SagaProgress progress = new SagaProgress(sagas, Instant.now());
    try (EventReader reader = EventReader.start(config, schemas, RUN + "-", progress, true)) {
      await()
          .atMost(Duration.ofMinutes(2))
          .until(() -> progress.snapshot(Instant.now()).settled() == sagas);
    }
  }

  private void awaitStarted(String sagaId) {
    SagaProgress progress = new SagaProgress(1, Instant.now());
    try (EventReader reader = EventReader.start(config, schemas, sagaId, progress, true)) {
      await().atMost(Duration.ofMinutes(1)).until(() -> progress.statuses().containsKey(sagaId));
    }
  }
}
