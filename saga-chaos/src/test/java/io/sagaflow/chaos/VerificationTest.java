package io.sagaflow.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.sagaflow.chaos.OpenTransactions.OpenPartition;
import io.sagaflow.contract.SagaEvent;
import io.sagaflow.contract.SagaEventType;
import io.sagaflow.engine.SagaStatus;
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
            List.of()));
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
