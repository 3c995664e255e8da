package io.sagaflow.chaos;

import io.sagaflow.app.demo.OutcomePrediction;
import io.sagaflow.app.modules.SagaModules;
import io.sagaflow.app.participants.ParticipantBehaviour;
import io.sagaflow.chaos.OpenTransactions.OpenPartition;
import io.sagaflow.contract.SagaEvent;
import io.sagaflow.contract.SagaStateRecord;
import io.sagaflow.engine.SagaDefinition;
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
import java.util.List;
import java.util.Map;
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
 * input; no transaction left open; and the saga-state changelog agrees with saga.events.
 *
 * <p>Run it as a library call, {@link #verify}, or from the command line ({@code main}, options in
 * {@link VerifierCommand}); scripts/chaos runs it at the end of every chaos run.
 */
public final class Verifier {
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
            events.add(eventValues.deserialize(r.topic(), r.value()));
          }
        });

    CommandLedger commands = new CommandLedger();
    for (String topic : SagaTopics.commandTopics(modules.registry())) {
      readOrNote(reader, topic, missing, commands::add);
    }

    DeadLetterLedger deadLetters = new DeadLetterLedger();
    readOrNote(reader, SagaTopics.DLQ, missing, deadLetters::add);

    Map<String, byte[]> lastState = new HashMap<>();
    String changelog = settings.applicationId() + "-" + SagaTopology.STATE_STORE + "-changelog";
    readOrNote(
        reader,
        changelog,
        missing,
        r -> {
          String key = new String(r.key(), StandardCharsets.UTF_8);
          if (r.value() == null) {
            lastState.remove(key);
          } else {
            lastState.put(key, r.value());
          }
        });
    Map<String, SagaStatus> stored = storedStatuses(settings, schemas, lastState, changelog);

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
                missing));
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
    List<ParticipantBehaviour> behaviours =
        ParticipantBehaviour.of(
            modules.participants(), modules.registry(), settings.participants());
    Map<String, OutcomePrediction> byType = new HashMap<>();
    Map<String, SagaStatus> predicted = new HashMap<>();
    for (StartedSaga saga : settings.sagas()) {
      OutcomePrediction prediction =
          byType.computeIfAbsent(
              saga.sagaType(),
              type -> {
                SagaDefinition<?> definition =
                    modules
                        .registry()
                        .latest(type)
                        .orElseThrow(
                            () ->
                                new IllegalArgumentException(
                                    "Saga "
                                        + saga.sagaId()
                                        + " is of type '"
                                        + type
                                        + "', which no loaded module defines; check"
                                        + " --plugin-path."));
                return new OutcomePrediction(definition, behaviours);
              });
      predicted.put(saga.sagaId(), prediction.outcome(saga.sagaId()));
    }
    return predicted;
  }

  private static Map<String, SagaStatus> storedStatuses(
      VerifierSettings settings,
      SchemaRegistry schemas,
      Map<String, byte[]> lastState,
      String changelog) {
    AvroDeserializer<SagaStateRecord> states = SagaTopics.STATE_RECORDS.deserializer(schemas);
    Map<String, SagaStatus> stored = new HashMap<>();
    for (StartedSaga saga : settings.sagas()) {
      byte[] bytes = lastState.get(saga.sagaId());
      if (bytes != null) {
        stored.put(
            saga.sagaId(), SagaStatus.valueOf(states.deserialize(changelog, bytes).getStatus()));
      }
    }
    return stored;
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
