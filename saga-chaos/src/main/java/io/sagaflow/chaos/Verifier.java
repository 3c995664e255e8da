package io.sagaflow.chaos;

import io.sagaflow.app.modules.SagaModules;
import io.sagaflow.chaos.OpenTransactions.OpenPartition;
import io.sagaflow.contract.SagaEvent;
import io.sagaflow.contract.SagaStateRecord;
import io.sagaflow.engine.SagaStatus;
import io.sagaflow.serde.AvroDeserializer;
import io.sagaflow.serde.RegistryClientSettings;
import io.sagaflow.serde.SchemaRegistry;
import io.sagaflow.serde.SchemaRegistryClient;
import io.sagaflow.topology.SagaTopics;
import io.sagaflow.topology.SagaTopology;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Checks a finished run against the committed record, the way a downstream {@code read_committed}
 * consumer sees it: every started saga finished (or is STUCK with a reason) in the status the seed
 * predicts and finished once; each command id committed once; one dead letter per injected bad
 * input; no transaction left open; the saga-state changelog agrees with saga.events and with a
 * replay of each saga's committed inputs ({@link ReplayCheck}); and no timer fired for an attempt
 * whose reply was already on saga.replies ({@link TimerCheck}).
 *
 * <p>Run it as a library call, {@link #verify}, or from the command line ({@code main}, options in
 * {@link VerifierCommand}); scripts/chaos runs it at the end of every chaos run.
 */
public final class Verifier {
  /** Stands for a changelog record of a saga the run did not start: counted, never decoded. */
  private static final ConsumerRecord<byte[], byte[]> EMPTY =
      new ConsumerRecord<>("-", 0, -1, new byte[0], new byte[0]);

  private Verifier() {}

  /** Command line: exit 0 when the run passed, 1 on any violation, 2 on a usage error. */
  public static void main(String[] args) {
    System.exit(VerifierCommand.execute(args));
  }

  /**
   * Reads the cluster of {@code settings} and judges it; {@code modules} are the saga modules the
   * run loaded (definitions, participants and command topics).
   *
   * @throws IllegalStateException when the cluster cannot be read (a topic not readable to its end
   *     within the bound, the broker unreachable)
   */
  public static VerificationReport verify(VerifierSettings settings, SagaModules modules)
      throws InterruptedException {
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    // Avro finds the generated classes of records nested in saga data through the context loader,
    // and plugin modules live in loaders of their own: as the processor does (SagaflowRuntime).
    thread.setContextClassLoader(modules.classLoader());
    try {
      return check(settings, modules);
    } finally {
      thread.setContextClassLoader(previous);
    }
  }

  private static VerificationReport check(VerifierSettings settings, SagaModules modules)
      throws InterruptedException {
    Map<String, SagaStatus> predicted = predict(settings, modules);
    List<OpenPartition> open;
    List<String> ongoing = List.of();
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers()))) {
      // First, so that what is read next is settled: nothing still to commit or abort.
      open = OpenTransactions.await(admin, settings.openTransactionBound());
      if (!open.isEmpty()) {
        ongoing = OpenTransactions.ongoingTransactionalIds(admin);
      }
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "Could not list the offsets of " + settings.bootstrapServers() + ": " + e.getMessage(),
          e);
    }
    SchemaRegistry schemas =
        new SchemaRegistryClient(RegistryClientSettings.of(settings.schemaRegistryUrl()));
    CommittedReader reader = new CommittedReader(settings.bootstrapServers(), settings.readBound());
    List<String> missing = new ArrayList<>();

    EventLedger events = new EventLedger();
    AvroDeserializer<SagaEvent> eventValues = SagaTopics.EVENT_RECORDS.deserializer(schemas);
    readOrNote(
        reader,
        SagaTopics.EVENTS,
        missing,
        r -> {
          if (r.value() != null) {
            events.add(eventValues.deserialize(r.topic(), r.value()), r.partition(), r.offset());
          }
        });

    CommandLedger commands = new CommandLedger();
    for (String topic : SagaTopics.commandTopics(modules.registry())) {
      readOrNote(reader, topic, missing, commands::add);
    }

    DeadLetterLedger deadLetters = new DeadLetterLedger();
    readOrNote(reader, SagaTopics.DLQ, missing, deadLetters::add);

    Set<String> started = new HashSet<>();
    settings.sagas().forEach(s -> started.add(s.sagaId()));
    InputDecoding decoding = new InputDecoding(schemas, modules.registry());
    InputLedger inputs = new InputLedger();
    readOrNote(
        reader, SagaTopics.REQUESTS, missing, r -> input(r, started, decoding, inputs, events));
    readOrNote(
        reader, SagaTopics.REPLIES, missing, r -> input(r, started, decoding, inputs, events));

    // Read after saga.events, so it holds at least the decisions whose events were read.
    Map<String, ConsumerRecord<byte[], byte[]>> lastState = new HashMap<>();
    String changelog = settings.applicationId() + "-" + SagaTopology.STATE_STORE + "-changelog";
    readOrNote(
        reader,
        changelog,
        missing,
        r -> {
          String key = new String(r.key(), StandardCharsets.UTF_8);
          if (r.value() == null) {
            lastState.remove(key);
          } else if (started.contains(key)) {
            lastState.put(key, r);
          } else {
            // Only the count of other runs' sagas is needed.
            lastState.put(key, EMPTY);
          }
        });
    Map<String, StoredState> storedStates = storedStates(schemas, decoding, lastState, changelog);
    Map<String, SagaStatus> stored = new HashMap<>();
    storedStates.forEach((id, s) -> stored.put(id, SagaStatus.valueOf(s.record().getStatus())));

    VerificationReport report =
        Verification.judge(
            new Observations(
                settings.sagas(),
                predicted,
                events,
                commands,
                deadLetters,
                settings.expectedDeadLetters(),
                stored,
                lastState.size(),
                open,
                settings.openTransactionBound(),
                ongoing,
                missing,
                Optional.of(modules.registry()),
                inputs,
                storedStates,
                settings.timerRaceTolerance()));
    if (report.suspects().isEmpty()) {
      return report;
    }
    return report.withStories(
        SagaStories.tell(
                reader,
                schemas,
                SagaTopics.commandTopics(modules.registry()),
                new java.util.LinkedHashSet<>(report.suspects()))
            .lines());
  }

  private static Map<String, SagaStatus> predict(VerifierSettings settings, SagaModules modules) {
    Predictions predictions = new Predictions(modules, settings.participants());
    Map<String, SagaStatus> predicted = new HashMap<>();
    for (StartedSaga saga : settings.sagas()) {
      predicted.put(saga.sagaId(), predictions.of(saga).outcome(saga.sagaId()));
    }
    return predicted;
  }

  private static Map<String, StoredState> storedStates(
      SchemaRegistry schemas,
      InputDecoding decoding,
      Map<String, ConsumerRecord<byte[], byte[]>> lastState,
      String changelog) {
    AvroDeserializer<SagaStateRecord> states = SagaTopics.STATE_RECORDS.deserializer(schemas);
    Map<String, StoredState> stored = new HashMap<>();
    lastState.forEach(
        (id, r) -> {
          if (r != EMPTY) {
            SagaStateRecord record = states.deserialize(changelog, r.value());
            stored.put(
                id,
                new StoredState(
                    record,
                    decoding.data(record),
                    r.topic() + "-" + r.partition() + "@" + r.offset()));
          }
        });
    return stored;
  }

  private static void input(
      ConsumerRecord<byte[], byte[]> record,
      Set<String> started,
      InputDecoding decoding,
      InputLedger inputs,
      EventLedger events) {
    if (record.key() == null) {
      return;
    }
    String sagaId = new String(record.key(), StandardCharsets.UTF_8);
    if (!started.contains(sagaId)) {
      return;
    }
    Optional<InputRecord> input = decoding.decode(sagaId, record, events.placement(sagaId));
    if (input.isEmpty()) {
      inputs.undecodable();
    } else if (record.topic().equals(SagaTopics.REPLIES)) {
      inputs.reply(sagaId, input.get());
    } else {
      inputs.request(sagaId, input.get());
    }
  }

  private static void readOrNote(
      CommittedReader reader,
      String topic,
      List<String> missing,
      Consumer<ConsumerRecord<byte[], byte[]>> sink) {
    if (reader.read(topic, sink) < 0) {
      missing.add(topic);
    }
  }
}
