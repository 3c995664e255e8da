package io.sagaflow.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.sagaflow.chaos.EventLedger.CommittedEvent;
import io.sagaflow.chaos.OpenTransactions.OpenPartition;
import io.sagaflow.contract.SagaEvent;
import io.sagaflow.contract.SagaEventType;
import io.sagaflow.contract.SagaFact;
import io.sagaflow.engine.Outcome;
import io.sagaflow.engine.SagaStatus;
import io.sagaflow.engine.TimerKind;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class VerificationTest {
  private static final String TYPE = "order-fulfilment";

  private final List<StartedSaga> sagas = new ArrayList<>();
  private final Map<String, SagaStatus> predicted = new HashMap<>();
  private final EventLedger events = new EventLedger();
  private final CommandLedger commands = new CommandLedger();
  private final DeadLetterLedger deadLetters = new DeadLetterLedger();
  private final Map<String, SagaStatus> stored = new HashMap<>();
  private final List<OpenPartition> open = new ArrayList<>();
  private long offset;

  @Test
  void shouldPassWhenEverySagaEndedAsPredictedOnceAndNothingIsDuplicated() {
    finished("a", SagaStatus.COMPLETED, SagaEventType.SAGA_COMPLETED);
    finished("b", SagaStatus.COMPENSATED, SagaEventType.SAGA_COMPENSATED);
    command("id-1", "a");
    command("id-2", "b");
    deadLetter("DESERIALIZATION_FAILED");

    VerificationReport report = judge(1);

    assertThat(report.violations()).isEmpty();
    assertThat(report.suspects()).isEmpty();
    assertThat(report.figures())
        .containsExactly(
            "sagas 2 | completed 1 | compensated 1 | failed 0 | stuck 0 | unfinished 0 | lost 0",
            "predicted from the seed: completed 1 | compensated 1 | failed 0 | stuck 0 | sagas not"
                + " as predicted 0",
            "events 4 committed | sagas finished twice 0",
            "commands 2 committed on 1 topics | distinct ids 2 | duplicate ids 0 | without ce_id 0",
            "dead letters 1 (expected 1) by reason {DESERIALIZATION_FAILED=1}",
            "open transactions: 0 partitions behind after 60 s",
            "saga-state changelog 2 sagas | started sagas missing 0 | disagreeing with saga.events"
                + " 0",
            "state replay: not run (no saga definitions)",
            "timeouts 0 (action 0, compensation 0) | answered 0 | reply read before the timer 0 |"
                + " suspects: reply sent before a late timer 0 | reply sent earlier, a race within 2000 ms"
                + " 0");
  }

  @Test
  void shouldCallASagaWithoutEventsOrStillRunningLost() {
    started("silent", SagaStatus.COMPLETED);
    started("running", SagaStatus.COMPLETED);
    event("running", SagaEventType.SAGA_STARTED, SagaStatus.RUNNING, null);
    stored.put("running", SagaStatus.RUNNING);

    VerificationReport report = judge(0);

    assertThat(report.violations(Violation.Kind.LOST))
        .extracting(Violation::detail)
        .containsExactly(
            "silent has no committed event on saga.events",
            "running never finished: last status RUNNING");
    assertThat(report.figures().get(0)).endsWith("unfinished 2 | lost 2");
    assertThat(report.passed()).isFalse();
  }

  @Test
  void shouldAcceptStuckWithAReasonOnlyWhenPredictedAndRejectItWithout() {
    started("explained", SagaStatus.STUCK);
    event("explained", SagaEventType.SAGA_STUCK, SagaStatus.STUCK, "pivot timed out");
    stored.put("explained", SagaStatus.STUCK);
    started("mute", SagaStatus.STUCK);
    event("mute", SagaEventType.SAGA_STUCK, SagaStatus.STUCK, " ");
    stored.put("mute", SagaStatus.STUCK);

    VerificationReport report = judge(0);

    assertThat(report.violations())
        .containsExactly(
            new Violation(Violation.Kind.STUCK_WITHOUT_REASON, "mute is STUCK without a reason"));
  }

  @Test
  void shouldNameASagaThatEndedOtherwiseThanPredicted() {
    started("a", SagaStatus.COMPLETED);
    event("a", SagaEventType.SAGA_STUCK, SagaStatus.STUCK, "capture-payment out of attempts");
    stored.put("a", SagaStatus.STUCK);

    VerificationReport report = judge(0);

    assertThat(report.violations())
        .containsExactly(
            new Violation(
                Violation.Kind.WRONG_OUTCOME,
                "a ended STUCK, the seed predicts COMPLETED (stuck: capture-payment out of"
                    + " attempts)"));
    assertThat(report.figures().get(1)).endsWith("sagas not as predicted 1");
    assertThat(report.suspects()).containsExactly("a");
  }

  @Test
  void shouldNameASagaThatFinishedTwice() {
    finished("a", SagaStatus.COMPLETED, SagaEventType.SAGA_COMPLETED);
    event("a", SagaEventType.SAGA_COMPLETED, SagaStatus.COMPLETED, null);

    assertThat(judge(0).violations())
        .containsExactly(new Violation(Violation.Kind.FINISHED_TWICE, "a has 2 terminal events"));
  }

  @Test
  void shouldCountTerminalFactsFoldedIntoADecisionsRecord() {
    // Given a saga whose last reply's record also reports its completion, as the processor writes
    started("a", SagaStatus.COMPLETED);
    event("a", SagaEventType.SAGA_STARTED, SagaStatus.RUNNING, null);
    events.add(
        SagaEvent.newBuilder()
            .setSagaId("a")
            .setSagaType(TYPE)
            .setDefinitionVersion(1)
            .setEventType(SagaEventType.STEP_SUCCEEDED)
            .setStep("reserve-inventory")
            .setAttempt(1)
            .setStatus(SagaStatus.RUNNING.name())
            .setAt(Instant.EPOCH)
            .setFurtherFacts(
                List.of(new SagaFact(SagaEventType.SAGA_COMPLETED, null, null, "COMPLETED", null)))
            .build());
    stored.put("a", SagaStatus.COMPLETED);

    // Then it ended as predicted, once, and every fact counts as an event
    VerificationReport clean = judge(0);
    assertThat(clean.violations()).isEmpty();
    assertThat(clean.figures()).contains("events 3 committed | sagas finished twice 0");

    // and a second completion, in a record of its own, is a saga finished twice
    event("a", SagaEventType.SAGA_COMPLETED, SagaStatus.COMPLETED, null);
    assertThat(judge(0).violations())
        .containsExactly(new Violation(Violation.Kind.FINISHED_TWICE, "a has 2 terminal events"));
  }

  @Test
  void shouldNameEveryCopyOfADuplicatedCommandAndCommandsWithoutId() {
    finished("a", SagaStatus.COMPLETED, SagaEventType.SAGA_COMPLETED);
    command("id-1", "a");
    command("id-1", "a");
    commands.add(record("inventory.commands", new RecordHeaders()));

    VerificationReport report = judge(0);

    assertThat(report.violations(Violation.Kind.DUPLICATE_COMMAND))
        .extracting(Violation::detail)
        .containsExactly(
            "command id id-1 committed 2 times: [inventory.commands-0@0 (saga a, step"
                + " reserve-inventory, attempt 1, ACTION), inventory.commands-0@1 (saga a, step"
                + " reserve-inventory, attempt 1, ACTION)]");
    assertThat(report.violations(Violation.Kind.COMMAND_WITHOUT_ID)).hasSize(1);
    assertThat(report.figures().get(3)).contains("duplicate ids 1 | without ce_id 1");
  }

  @Test
  void shouldFailWhenDeadLettersAreNotTheInjectedBadInputs() {
    finished("a", SagaStatus.COMPLETED, SagaEventType.SAGA_COMPLETED);
    deadLetter("DESERIALIZATION_FAILED");
    RecordHeaders aboutA = new RecordHeaders();
    aboutA.add("saga_dlq_reason", bytes("AFTER_END"));
    aboutA.add("ce_subject", bytes("a"));
    deadLetters.add(record("saga.dlq", aboutA));

    VerificationReport report = judge(1);

    assertThat(report.violations(Violation.Kind.DEAD_LETTERS))
        .extracting(Violation::detail)
        .containsExactly(
            "saga.dlq holds 2 committed dead letters, the run injected 1 bad inputs"
                + " ({AFTER_END=1, DESERIALIZATION_FAILED=1})");
    assertThat(report.suspects()).as("the saga a dead letter names").containsExactly("a");
  }

  @Test
  void shouldNameAPartitionLeftOpen() {
    finished("a", SagaStatus.COMPLETED, SagaEventType.SAGA_COMPLETED);
    open.add(new OpenPartition(new TopicPartition("saga.events", 2), 10, 14));

    VerificationReport report = judge(0);

    assertThat(report.violations())
        .containsExactly(
            new Violation(
                Violation.Kind.OPEN_TRANSACTION,
                "saga.events-2 (last stable offset 10 < 14) stayed open for 60 s"));
    assertThat(report.figures().get(5))
        .isEqualTo(
            "open transactions: 1 partitions behind after 60 s | ongoing transactional ids []");
  }

  @Test
  void shouldNameSagasWhoseStoredStateIsMissingOrDisagrees() {
    finished("a", SagaStatus.COMPLETED, SagaEventType.SAGA_COMPLETED);
    finished("b", SagaStatus.COMPLETED, SagaEventType.SAGA_COMPLETED);
    stored.remove("a");
    stored.put("b", SagaStatus.RUNNING);

    assertThat(judge(0).violations())
        .containsExactly(
            new Violation(
                Violation.Kind.STATE_MISSING, "a has events (COMPLETED) but no saga-state record"),
            new Violation(
                Violation.Kind.STATE_DISAGREES,
                "b is RUNNING in saga-state but COMPLETED on saga.events"));
  }

  @Test
  void shouldFailWhenATimeoutIsCommittedAfterItsReplyWasApplied() {
    // Given a saga whose reply to reserve #1 was applied, then a timeout of that attempt committed
    LiveRun live = new LiveRun("t1").start().answer("reserve", 1, Outcome.Succeeded.empty());
    SagaEvent succeeded = live.events.get(2).event();
    live.events.add(
        new CommittedEvent(
            SagaEvent.newBuilder(succeeded)
                .setEventType(SagaEventType.STEP_RETRY_SCHEDULED)
                .setReason("TIMEOUT: no reply within the step timeout")
                .build(),
            0,
            live.events.size()));

    VerificationReport report = judge(live, SagaStatus.RUNNING);

    assertThat(report.violations(Violation.Kind.TIMER_BEAT_REPLY))
        .extracting(Violation::detail)
        .singleElement()
        .satisfies(
            d ->
                assertThat(d)
                    .startsWith("t1 step reserve attempt 1 (ACTION) timed out at ")
                    .contains("(saga.events-0@4)")
                    .contains("though its reply saga.replies-0@0 (sent ")
                    .endsWith(
                        "had been read: reply reserve #1 Succeeded saga.replies-0@0 was applied at"
                            + " saga.events-0@2, before the timeout"));
    assertThat(report.violations(Violation.Kind.STATE_NOT_REPLAYABLE))
        .extracting(Violation::detail)
        .singleElement()
        .satisfies(d -> assertThat(d).contains("STEP_RETRY_SCHEDULED reserve #1"));
    assertThat(report.figures())
        .contains(
            "timeouts 1 (action 1, compensation 0) | answered 1 | reply read before the timer 1 |"
                + " suspects: reply sent before a late timer 0 | reply sent earlier, a race within 2000"
                + " ms 0");
  }

  @Test
  void shouldNameALateTimerThatBeatAReplySentBeforeAsASuspectNotAViolation() {
    // Given a reply sent 1 s after its command, and the step's timer firing 20 s late before the
    // reply was read: a restarted processor that did not catch up first, or a reply that a broker
    // outage kept from the topic until after the timer; the record cannot tell which
    LiveRun live = new LiveRun("t2").start();
    InputRecord reply =
        live.wait(Duration.ofSeconds(1)).reply("reserve", 1, Outcome.Succeeded.empty());
    live.wait(Duration.ofSeconds(29)).fire(TimerKind.STEP_TIMEOUT, "reserve").process(reply);

    VerificationReport report = judge(live, SagaStatus.RUNNING);

    assertThat(report.violations(Violation.Kind.TIMER_BEAT_REPLY)).isEmpty();
    assertThat(report.violations(Violation.Kind.STATE_NOT_REPLAYABLE)).isEmpty();
    assertThat(report.figures())
        .anySatisfy(f -> assertThat(f).contains("suspects: reply sent before a late timer 1"))
        .anySatisfy(
            f ->
                assertThat(f)
                    .startsWith("timer suspect: t2 step reserve attempt 1 (ACTION) timed out at ")
                    .contains("though its reply saga.replies-0@0 was sent at ")
                    .contains(", 29000 ms before, and the timer was due at ")
                    .endsWith(", 20050 ms before it fired (tolerance 2000 ms)"));
  }

  @Test
  void shouldCountATimerThatFiredOnTimeJustBeforeItsReplyWasReadAsARace() {
    // Given a reply sent 0.5 s before the timeout was due, read only after the timer fired on time
    LiveRun live = new LiveRun("t3").start();
    InputRecord reply =
        live.wait(Duration.ofMillis(9450)).reply("reserve", 1, Outcome.Succeeded.empty());
    live.fire(TimerKind.STEP_TIMEOUT, "reserve").process(reply);

    VerificationReport report = judge(live, SagaStatus.RUNNING);

    assertThat(report.violations(Violation.Kind.TIMER_BEAT_REPLY)).isEmpty();
    assertThat(report.figures())
        .contains(
            "timeouts 1 (action 1, compensation 0) | answered 1 | reply read before the timer 0 |"
                + " suspects: reply sent before a late timer 0 | reply sent earlier, a race within 2000"
                + " ms 1");
  }

  @Test
  void shouldPassAReplayEqualToTheStoreAndFailAStoreWithAnotherStatus() {
    LiveRun good = new LiveRun("r1").start().answer("reserve", 1, Outcome.Succeeded.empty());
    good.answer("charge", 1, Outcome.Succeeded.empty());
    LiveRun spoiled = new LiveRun("r2").start().answer("reserve", 1, Outcome.Succeeded.empty());
    spoiled.answer("charge", 1, Outcome.Succeeded.empty());
    StoredState wrong = spoiled.stored();
    wrong.record().setStatus("COMPENSATED");

    VerificationReport report =
        judgeAll(List.of(good, spoiled), Map.of("r1", good.stored(), "r2", wrong));

    assertThat(report.violations(Violation.Kind.STATE_NOT_REPLAYABLE))
        .extracting(Violation::detail)
        .containsExactly(
            "r2: saga-state (sagaflow-saga-state-changelog-0@6) is not the replay of its committed"
                + " inputs: status: changelog COMPENSATED, replay COMPLETED");
    assertThat(report.figures())
        .contains(
            "state replay: sagas 2 | inputs applied 6, changing nothing 0 | timer firings 0 |"
                + " equal to saga-state 1 | differing 1 | not replayable 0");
  }

  private VerificationReport judge(LiveRun live, SagaStatus predicted) {
    this.predicted.put(live.sagaId, predicted);
    return judgeAll(List.of(live), Map.of(live.sagaId, live.stored()));
  }

  private VerificationReport judgeAll(List<LiveRun> runs, Map<String, StoredState> states) {
    InputLedger inputs = new InputLedger();
    for (LiveRun live : runs) {
      sagas.add(new StartedSaga(live.sagaId, LiveRun.TYPE));
      predicted.putIfAbsent(live.sagaId, live.state().status());
      live.requests.forEach(r -> inputs.request(live.sagaId, r));
      live.replies.forEach(r -> inputs.reply(live.sagaId, r));
      live.events.forEach(e -> events.add(e.event(), e.partition(), e.offset()));
      stored.put(live.sagaId, SagaStatus.valueOf(states.get(live.sagaId).record().getStatus()));
    }
    return Verification.judge(
        new Observations(
            sagas,
            predicted,
            events,
            commands,
            deadLetters,
            0,
            stored,
            stored.size(),
            open,
            Duration.ofSeconds(60),
            List.of(),
            List.of(),
            Optional.of(LiveRun.REGISTRY),
            inputs,
            states,
            Duration.ofSeconds(2)));
  }

  private VerificationReport judge(long expectedDeadLetters) {
    return Verification.judge(
        new Observations(
            sagas,
            predicted,
            events,
            commands,
            deadLetters,
            expectedDeadLetters,
            stored,
            stored.size(),
            open,
            Duration.ofSeconds(60),
            List.of(),
            List.of(),
            Optional.empty(),
            new InputLedger(),
            Map.of(),
            Duration.ofSeconds(2)));
  }

  private void started(String id, SagaStatus prediction) {
    sagas.add(new StartedSaga(id, TYPE));
    predicted.put(id, prediction);
  }

  /** A saga predicted, started and ended in {@code status}, and stored so. */
  private void finished(String id, SagaStatus status, SagaEventType end) {
    started(id, status);
    event(id, SagaEventType.SAGA_STARTED, SagaStatus.RUNNING, null);
    event(id, end, status, null);
    stored.put(id, status);
  }

  private void event(String id, SagaEventType type, SagaStatus status, String reason) {
    events.add(
        SagaEvent.newBuilder()
            .setSagaId(id)
            .setSagaType(TYPE)
            .setDefinitionVersion(1)
            .setEventType(type)
            .setStatus(status.name())
            .setReason(reason)
            .setAt(Instant.EPOCH)
            .build());
  }

  private void command(String commandId, String sagaId) {
    RecordHeaders headers = new RecordHeaders();
    headers.add("ce_id", bytes(commandId));
    headers.add("ce_subject", bytes(sagaId));
    headers.add("saga_step", bytes("reserve-inventory"));
    headers.add("saga_attempt", bytes("1"));
    headers.add("saga_kind", bytes("ACTION"));
    commands.add(record("inventory.commands", headers));
  }

  private void deadLetter(String reason) {
    RecordHeaders headers = new RecordHeaders();
    headers.add("saga_dlq_reason", bytes(reason));
    deadLetters.add(record("saga.dlq", headers));
  }

  private ConsumerRecord<byte[], byte[]> record(String topic, RecordHeaders headers) {
    return new ConsumerRecord<>(
        topic,
        0,
        offset++,
        0L,
        TimestampType.CREATE_TIME,
        0,
        0,
        new byte[0],
        new byte[0],
        headers,
        Optional.empty());
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
