package io.sagaflow.replay;

import io.sagaflow.contract.CancelSaga;
import io.sagaflow.contract.StartSaga;
import io.sagaflow.contract.StepOutcome;
import io.sagaflow.contract.StepReply;
import io.sagaflow.engine.SagaRegistry;
import io.sagaflow.examples.order.OrderFulfilmentData;
import io.sagaflow.examples.order.OrderFulfilmentSaga;
import io.sagaflow.serde.SagaHeaders;
import io.sagaflow.testkit.OrderSamples;
import io.sagaflow.testkit.internals.ContractRecords;
import io.sagaflow.topology.SagaTopics;
import io.sagaflow.topology.SagaTopology;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;

/**
 * A scripted run of the example saga: plays the client and the participants against a {@link
 * ReplaySession}, reacting to the commands the processor emits, and remembers the input steps so
 * {@link FixtureRecorder} can turn them into a fixture.
 */
final class ScenarioScript implements AutoCloseable {
  static final SagaRegistry SAGAS = SagaRegistry.of(OrderFulfilmentSaga.definition());
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  static final Duration INTERVAL = SagaTopology.Settings.DEFAULT_PUNCTUATION_INTERVAL;
  static final String TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

  private final ReplaySession session = new ReplaySession(SAGAS, T0, INTERVAL);
  private final List<FixtureStep> steps = new ArrayList<>();
  private final List<CapturedRecord> pending = new ArrayList<>();

  /** The input steps so far. */
  List<FixtureStep> steps() {
    return List.copyOf(steps);
  }

  void start(String sagaId) {
    OrderFulfilmentData data = OrderSamples.order("order-" + sagaId);
    StartSaga start =
        ContractRecords.startSaga(
            OrderFulfilmentSaga.TYPE,
            Optional.empty(),
            session.codec().frame(data),
            session.wallClock());
    pipe(SagaTopics.REQUESTS, sagaId, start, List.of(header(SagaHeaders.TRACEPARENT, TRACEPARENT)));
  }

  void cancel(String sagaId, String reason) {
    pipe(SagaTopics.REQUESTS, sagaId, new CancelSaga(reason), List.of());
  }

  void poison(String key, byte[] value) {
    run(
        FixtureStep.input(
            Duration.ZERO,
            new FixtureRecord(
                SagaTopics.REQUESTS,
                Optional.of(key),
                session.wallClock(),
                List.of(),
                new Payload.Raw(value))));
  }

  /** The one command emitted on {@code topic} since it was last taken. */
  CapturedRecord take(String topic) {
    List<CapturedRecord> found =
        pending.stream().filter(r -> r.record().topic().equals(topic)).toList();
    if (found.size() != 1) {
      throw new AssertionError("Expected one command on " + topic + ", pending: " + pending);
    }
    pending.remove(found.get(0));
    return found.get(0);
  }

  /** Answers every pending compensation with success until none is left. */
  void succeedAllCompensations() {
    List<CapturedRecord> compensations = compensations();
    while (!compensations.isEmpty()) {
      for (CapturedRecord command : compensations) {
        pending.remove(command);
        succeed(command, Optional.empty());
      }
      compensations = compensations();
    }
  }

  private List<CapturedRecord> compensations() {
    return pending.stream()
        .filter(r -> r.headers().stream().anyMatch(h -> h.name().equals(SagaHeaders.SAGA_KIND)))
        .filter(r -> header(r, SagaHeaders.SAGA_KIND).equals("COMPENSATION"))
        .toList();
  }

  void succeed(CapturedRecord command, Optional<SpecificRecord> result) {
    reply(command, StepOutcome.SUCCEEDED, null, result);
  }

  void fail(CapturedRecord command, StepOutcome outcome, String code) {
    reply(command, outcome, code, Optional.empty());
  }

  void reply(
      CapturedRecord command, StepOutcome outcome, String code, Optional<SpecificRecord> result) {
    StepReply reply =
        ContractRecords.stepReply(
            header(command, SagaHeaders.SAGA_STEP),
            Integer.parseInt(header(command, SagaHeaders.SAGA_ATTEMPT)),
            header(command, SagaHeaders.CE_ID),
            outcome,
            Optional.ofNullable(code),
            Optional.ofNullable(code).map(c -> "scripted " + c),
            result.map(r -> session.codec().frame(r)));
    String sagaId = command.record().key().orElseThrow();
    pipe(SagaTopics.REPLIES, sagaId, reply, List.of(header(SagaHeaders.CE_SUBJECT, sagaId)));
  }

  void tick(Duration by) {
    run(FixtureStep.tick(by));
  }

  private void pipe(String topic, String key, SpecificRecord value, List<FixtureHeader> headers) {
    run(
        FixtureStep.input(
            Duration.ZERO,
            new FixtureRecord(
                topic, Optional.of(key), session.wallClock(), headers, session.codec().of(value))));
  }

  private void run(FixtureStep step) {
    steps.add(step);
    pending.addAll(session.run(step));
  }

  private static FixtureHeader header(String name, String value) {
    return FixtureHeader.of(name, value.getBytes(StandardCharsets.UTF_8));
  }

  private static String header(CapturedRecord record, String name) {
    return record.headers().stream()
        .filter(h -> h.name().equals(name))
        .reduce((first, second) -> second)
        .flatMap(FixtureHeader::value)
        .map(v -> new String(v, StandardCharsets.UTF_8))
        .orElseThrow(() -> new AssertionError(record + " has no header " + name));
  }

  @Override
  public void close() {
    session.close();
  }
}
