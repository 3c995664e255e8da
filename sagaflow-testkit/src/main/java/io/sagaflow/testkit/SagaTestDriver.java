package io.sagaflow.testkit;

import io.sagaflow.contract.CancelSaga;
import io.sagaflow.contract.DeadLetter;
import io.sagaflow.contract.SagaEvent;
import io.sagaflow.contract.SagaEventType;
import io.sagaflow.contract.SagaStateRecord;
import io.sagaflow.contract.StartSaga;
import io.sagaflow.contract.StepOutcome;
import io.sagaflow.contract.StepReply;
import io.sagaflow.engine.CommandKind;
import io.sagaflow.engine.SagaRegistry;
import io.sagaflow.engine.SagaStatus;
import io.sagaflow.serde.AvroDeserializer;
import io.sagaflow.serde.AvroSerdeConfig;
import io.sagaflow.serde.AvroSerializer;
import io.sagaflow.serde.SagaEventFacts;
import io.sagaflow.serde.SagaHeaders;
import io.sagaflow.testkit.internals.ContractRecords;
import io.sagaflow.testkit.internals.DrivenTopology;
import io.sagaflow.topology.DataCodec;
import io.sagaflow.topology.SagaClassLoader;
import io.sagaflow.topology.SagaTopics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The real saga topology in a TopologyTestDriver, typed: start sagas with their data records, take
 * the commands the processor sends, answer them as the participants would, move the wall clock, and
 * read statuses, lifecycle events and dead letters. Records travel through the same Avro serdes and
 * an in-memory schema registry, exactly as on a cluster.
 *
 * <pre>{@code
 * try (SagaTestDriver driver = SagaTestDriver.builder().modules(new MyModule()).build()) {
 *   driver.start("money-transfer", "t-1", transferData);
 *   driver.success(driver.takeCommand(), new FundsHeld("hold-1"));
 *   driver.retriableFailure(driver.takeCommand(), "BANK_BUSY");
 *   driver.advance(Duration.ofSeconds(1)); // the back-off runs out: attempt 2 is sent
 *   assertEquals(2, driver.takeCommand().attempt());
 * }
 * }</pre>
 *
 * <p>Wall-clock time moves only through {@link #advance}, in steps of the punctuation interval, so
 * timeouts and retries fire exactly when a live processor's would. Failures of expectations (no
 * command where one was expected) throw {@link AssertionError}, so the driver works with any test
 * framework. Not thread-safe: one driver per test, closed after it.
 */
public final class SagaTestDriver implements AutoCloseable {
  /** Where the wall clock starts unless the builder says otherwise. */
  public static final Instant DEFAULT_START = Instant.parse("2026-01-01T00:00:00Z");

  private final DrivenTopology topology;
  private final Set<String> commandTopics;
  private final DataCodec data;
  private final AvroSerializer<SpecificRecord> values;
  private final AvroDeserializer<SpecificRecord> reader;
  private final List<SagaCommand> pending = new ArrayList<>();
  private final List<SagaEvent> events = new ArrayList<>();
  private final List<DeadLetter> deadLetters = new ArrayList<>();

  private SagaTestDriver(SagaRegistry sagas, Instant start, Duration punctuationInterval) {
    this.topology = new DrivenTopology(sagas, start, punctuationInterval, "sagaflow-test");
    this.commandTopics = SagaTopics.commandTopics(sagas);
    ClassLoader classes = SagaClassLoader.of(sagas);
    this.data = new DataCodec(topology.schemas(), true, classes);
    this.values =
        new AvroSerializer<>(
            topology.schemas(), AvroSerdeConfig.recordName().withAutoRegister(true));
    this.reader = AvroDeserializer.anySpecific(topology.schemas(), classes);
  }

  /** A builder: name the sagas (a registry or modules), optionally the start time. */
  public static SagaTestDriverBuilder builder() {
    return new SagaTestDriverBuilder();
  }

  static SagaTestDriver create(SagaRegistry sagas, Instant start, Duration punctuationInterval) {
    return new SagaTestDriver(sagas, start, punctuationInterval);
  }

  /** The processor's wall clock: where the driver started plus every {@link #advance}. */
  public Instant now() {
    return topology.wallClock();
  }

  /**
   * Requests saga {@code sagaId} of the latest version of {@code sagaType}, carrying {@code data}.
   */
  public void start(String sagaType, String sagaId, SpecificRecord data) {
    start(sagaType, Optional.empty(), sagaId, data);
  }

  /** Requests saga {@code sagaId} of {@code sagaType} at {@code version}, carrying {@code data}. */
  public void start(String sagaType, int version, String sagaId, SpecificRecord data) {
    start(sagaType, Optional.of(version), sagaId, data);
  }

  private void start(
      String sagaType, Optional<Integer> version, String sagaId, SpecificRecord data) {
    StartSaga request = ContractRecords.startSaga(sagaType, version, this.data.encode(data), now());
    pipe(SagaTopics.REQUESTS, sagaId, request, new RecordHeaders());
  }

  /** Requests cancellation of saga {@code sagaId}. */
  public void cancel(String sagaId, String reason) {
    pipe(SagaTopics.REQUESTS, sagaId, new CancelSaga(reason), new RecordHeaders());
  }

  /**
   * Every command sent since the last take, in the order the processor wrote them (by topic name,
   * then write order, for commands of one input); taking them clears them.
   */
  public List<SagaCommand> takeCommands() {
    List<SagaCommand> taken = List.copyOf(pending);
    pending.clear();
    return taken;
  }

  /** The one command sent since the last take; fails when there is none or more than one. */
  public SagaCommand takeCommand() {
    if (pending.size() != 1) {
      throw new AssertionError("expected one pending command but there are " + pending);
    }
    return pending.remove(0);
  }

  /** The one pending command for {@code step} (steps that run in parallel send several at once). */
  public SagaCommand takeCommand(String step) {
    List<SagaCommand> found = pending.stream().filter(c -> c.step().equals(step)).toList();
    if (found.size() != 1) {
      throw new AssertionError(
          "expected one pending command for step '" + step + "' but there are " + pending);
    }
    pending.remove(found.get(0));
    return found.get(0);
  }

  /** The participant succeeded with {@code result} (the record the step's onSuccess reads). */
  public void success(SagaCommand command, SpecificRecord result) {
    reply(command, StepOutcome.SUCCEEDED, Optional.empty(), Optional.of(result));
  }

  /** The participant succeeded without a result (compensations, steps without onSuccess). */
  public void success(SagaCommand command) {
    reply(command, StepOutcome.SUCCEEDED, Optional.empty(), Optional.empty());
  }

  /** The participant refused for a business reason {@code code}: never retried, compensates. */
  public void businessFailure(SagaCommand command, String code) {
    reply(command, StepOutcome.BUSINESS_FAILURE, Optional.of(code), Optional.empty());
  }

  /** The participant failed transiently with {@code code}: retried per the step's policy. */
  public void retriableFailure(SagaCommand command, String code) {
    reply(command, StepOutcome.RETRIABLE_FAILURE, Optional.of(code), Optional.empty());
  }

  private void reply(
      SagaCommand command,
      StepOutcome outcome,
      Optional<String> code,
      Optional<SpecificRecord> result) {
    StepReply reply =
        ContractRecords.stepReply(
            command.step(),
            command.attempt(),
            command.commandId(),
            outcome,
            code,
            code.map(c -> outcome + " " + c),
            result.map(data::encode));
    Headers headers = new RecordHeaders();
    headers.add(SagaHeaders.CE_SUBJECT, command.sagaId().getBytes(StandardCharsets.UTF_8));
    pipe(SagaTopics.REPLIES, command.sagaId(), reply, headers);
  }

  /**
   * Moves the wall clock by {@code by}, one punctuation interval at a time: step timeouts, retry
   * back-offs and deadlines that fall due on the way fire, and their commands become pending.
   */
  public void advance(Duration by) {
    topology.advance(by);
    collect();
  }

  /** The stored state of saga {@code sagaId}, empty if it was never started. */
  public Optional<SagaStateRecord> state(String sagaId) {
    return topology.state(sagaId);
  }

  /** The status of saga {@code sagaId}; fails when it has no state. */
  public SagaStatus status(String sagaId) {
    return SagaStatus.valueOf(stored(sagaId).getStatus());
  }

  /** The data of saga {@code sagaId} as its steps' results have updated it. */
  public <D extends SpecificRecord> D data(String sagaId, Class<D> type) {
    return data.decode(DataCodec.toArray(stored(sagaId).getData()), type);
  }

  /**
   * Every lifecycle fact written so far (saga.events), oldest first, each as a one-fact event: a
   * record that reports several facts of one decision counts as each of them ({@link
   * SagaEventFacts#of}).
   */
  public List<SagaEvent> events() {
    return SagaEventFacts.ofAll(events);
  }

  /** The saga.events records as the topology wrote them, one per decision, oldest first. */
  public List<SagaEvent> eventRecords() {
    return List.copyOf(events);
  }

  /** The types of saga {@code sagaId}'s lifecycle facts so far, oldest first. */
  public List<SagaEventType> eventTypes(String sagaId) {
    return events().stream()
        .filter(e -> e.getSagaId().equals(sagaId))
        .map(SagaEvent::getEventType)
        .toList();
  }

  /** Every record written to saga.dlq so far, oldest first. */
  public List<DeadLetter> deadLetters() {
    return List.copyOf(deadLetters);
  }

  private SagaStateRecord stored(String sagaId) {
    return state(sagaId)
        .orElseThrow(() -> new AssertionError("saga '" + sagaId + "' has no state"));
  }

  private void pipe(String topic, String key, SpecificRecord value, Headers headers) {
    topology.pipe(
        topic,
        new TestRecord<>(
            key.getBytes(StandardCharsets.UTF_8), values.serialize(topic, value), headers, now()));
    collect();
  }

  // Sorts what the topology wrote: commands wait to be taken, events and dead letters accumulate.
  private void collect() {
    for (DrivenTopology.Output output : topology.drain()) {
      TestRecord<byte[], byte[]> record = output.record();
      SpecificRecord value = reader.deserialize(output.topic(), record.headers(), record.value());
      if (output.topic().equals(SagaTopics.EVENTS)) {
        events.add((SagaEvent) value);
      } else if (output.topic().equals(SagaTopics.DLQ)) {
        deadLetters.add((DeadLetter) value);
      } else if (commandTopics.contains(output.topic())) {
        pending.add(command(output.topic(), record, value));
      } else {
        throw new IllegalStateException(
            "The saga topology wrote to '"
                + output.topic()
                + "', which is neither a command topic of the registered sagas nor "
                + SagaTopics.EVENTS
                + " or "
                + SagaTopics.DLQ);
      }
    }
  }

  private static SagaCommand command(
      String topic, TestRecord<byte[], byte[]> record, SpecificRecord payload) {
    Headers headers = record.headers();
    return new SagaCommand(
        new String(record.key(), StandardCharsets.UTF_8),
        topic,
        header(headers, SagaHeaders.SAGA_STEP),
        CommandKind.valueOf(header(headers, SagaHeaders.SAGA_KIND)),
        Integer.parseInt(header(headers, SagaHeaders.SAGA_ATTEMPT)),
        header(headers, SagaHeaders.CE_ID),
        payload,
        record.getRecordTime());
  }

  private static String header(Headers headers, String name) {
    Header header = headers.lastHeader(name);
    if (header == null) {
      throw new IllegalStateException("a command was written without the header " + name);
    }
    return new String(header.value(), StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    topology.close();
  }
}
