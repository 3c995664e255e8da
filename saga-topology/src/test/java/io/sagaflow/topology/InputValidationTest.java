package io.sagaflow.topology;

import static io.sagaflow.examples.order.OrderFulfilmentSaga.INVENTORY;
import static io.sagaflow.examples.order.OrderFulfilmentSaga.PAYMENT;
import static io.sagaflow.topology.SagaDriver.header;
import static org.assertj.core.api.Assertions.assertThat;

import io.sagaflow.contract.DeadLetter;
import io.sagaflow.contract.OperatorAction;
import io.sagaflow.contract.SagaStateRecord;
import io.sagaflow.contract.StepOutcome;
import io.sagaflow.contract.StepReply;
import io.sagaflow.examples.order.InventoryReserved;
import io.sagaflow.examples.order.OrderFulfilmentSaga;
import io.sagaflow.serde.SagaHeaders;
import io.sagaflow.topology.SagaDriver.Command;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Inputs that make no sense are dead-lettered with a reason and a sentence; nothing else moves. */
class InputValidationTest {
  private final SagaDriver saga = new SagaDriver();

  @AfterEach
  void close() {
    saga.close();
  }

  /** The single dead letter written since the last call. */
  private TestRecord<byte[], byte[]> onlyLetter() {
    List<TestRecord<byte[], byte[]>> letters = saga.deadLetters();
    assertThat(letters).hasSize(1);
    return letters.get(0);
  }

  private void assertRejected(String reason, String detailPart) {
    TestRecord<byte[], byte[]> letter = onlyLetter();
    assertThat(header(letter, SagaHeaders.SAGA_DLQ_REASON)).isEqualTo(reason);
    assertThat(header(letter, SagaHeaders.SAGA_DLQ_DETAIL)).contains(detailPart);
    assertThat(saga.decodeLetter(letter).getDetail()).contains(detailPart);
  }

  private Command started(String sagaId) {
    saga.start(sagaId);
    return saga.onlyCommand(INVENTORY);
  }

  private StepReply.Builder replyTo(Command command) {
    return StepReply.newBuilder()
        .setStep(command.step())
        .setAttempt(command.attempt())
        .setCommandId(command.commandId())
        .setOutcome(StepOutcome.SUCCEEDED);
  }

  private static RecordHeaders subject(String sagaId) {
    RecordHeaders headers = new RecordHeaders();
    headers.add(SagaHeaders.CE_SUBJECT, sagaId.getBytes(StandardCharsets.UTF_8));
    return headers;
  }

  @Test
  void shouldDeadLetterReplyWithUnknownOutcomeAndKeepWaiting() {
    // Given a saga waiting for its inventory reply
    Command reserve = started("v1");

    // When the reply's outcome is a symbol this version reads as UNKNOWN
    saga.reply(reserve, StepOutcome.UNKNOWN, null, null, Optional.empty(), "v1");

    // Then it is rejected as invalid, and the saga still waits for a real answer
    assertRejected("VALIDATION_FAILED", "has an outcome this version does not know");
    assertThat(saga.status("v1")).isEqualTo("RUNNING");
    assertThat(saga.commands(PAYMENT)).isEmpty();
  }

  @Test
  void shouldDeadLetterReplyWhoseCommandIdIsNotAUuid() {
    Command reserve = started("v2");

    saga.pipeReply("v2", replyTo(reserve).setCommandId("cmd-42").build(), subject("v2"));

    assertRejected("VALIDATION_FAILED", "has commandId 'cmd-42', which is not a UUID");
    assertThat(saga.commands(PAYMENT)).isEmpty();
  }

  @Test
  void shouldDeadLetterReplyWhoseStepResultCannotBeDecoded() {
    Command reserve = started("v3");

    // When the result claims schema id 99, which the registry does not know
    byte[] unknownSchema = {0, 0, 0, 0, 99, 2, 'x'};
    saga.pipeReply(
        "v3",
        replyTo(reserve).setStepResult(ByteBuffer.wrap(unknownSchema)).build(),
        subject("v3"));

    assertRejected("VALIDATION_FAILED", "has a stepResult that cannot be decoded");
    assertThat(saga.status("v3")).isEqualTo("RUNNING");
  }

  @Test
  void shouldDeadLetterReplyForStepTheSagaDoesNotHave() {
    Command reserve = started("v4");

    saga.pipeReply("v4", replyTo(reserve).setStep("teleport-goods").build(), subject("v4"));

    assertRejected("UNKNOWN_STEP", "teleport-goods");
  }

  @Test
  void shouldRecordFailureWithoutCodeOrMessageAsEmpty() {
    // Given a saga waiting for its inventory reply
    Command reserve = started("v5");

    // When the participant refuses without an error code or message
    saga.reply(reserve, StepOutcome.BUSINESS_FAILURE, null, null, Optional.empty(), "v5");

    // Then the failure is applied, and stored with empty code and message rather than lost
    SagaStateRecord state = saga.state("v5").orElseThrow();
    assertThat(state.getStatus()).isEqualTo("COMPENSATED");
    assertThat(state.getSteps().get(0).getLastErrorCode()).isEmpty();
    assertThat(state.getSteps().get(0).getLastErrorMessage()).isEmpty();
    assertThat(saga.deadLetters()).isEmpty();
  }

  @Test
  void shouldRetryRetriableFailureWithoutCode() {
    Command reserve = started("v6");

    saga.reply(reserve, StepOutcome.RETRIABLE_FAILURE, null, null, Optional.empty(), "v6");

    SagaStateRecord state = saga.state("v6").orElseThrow();
    assertThat(state.getStatus()).isEqualTo("RUNNING");
    assertThat(state.getSteps().get(0).getLastErrorKind()).isEqualTo("ACTION");
    assertThat(state.getSteps().get(0).getLastErrorCode()).isEmpty();
  }

  @Test
  void shouldDeadLetterOperatorCommandWithUnknownAction() {
    started("v7");

    saga.operator("v7", OperatorAction.UNKNOWN, "reserve-inventory");

    assertRejected("VALIDATION_FAILED", "use RETRY_STEP, SKIP_STEP or FORCE_COMPENSATION");
    assertThat(saga.status("v7")).isEqualTo("RUNNING");
  }

  /** A saga parked STUCK because releasing its inventory failed for good. */
  private void stuck(String sagaId) {
    saga.succeed(started(sagaId), new InventoryReserved("res-" + sagaId));
    saga.failBusiness(saga.onlyCommand(PAYMENT), "CARD_DECLINED");
    saga.failBusiness(saga.onlyCommand(INVENTORY), "WAREHOUSE_GONE");
    assertThat(saga.status(sagaId)).isEqualTo("STUCK");
  }

  @Test
  void shouldDeadLetterOperatorRetryThatNamesNoStep() {
    stuck("v8");

    saga.operator("v8", OperatorAction.RETRY_STEP, null);

    assertRejected("VALIDATION_FAILED", "RETRY_STEP needs the name of the step to act on");
    assertThat(saga.status("v8")).isEqualTo("STUCK");
  }

  @Test
  void shouldRefuseToForceCompensationOfSagaAlreadyRollingBack() {
    stuck("v9");

    saga.operator("v9", OperatorAction.FORCE_COMPENSATION, null);

    // Refused is a normal answer, counted, not a dead letter
    assertThat(saga.counters.get("input.REFUSED")).isEqualTo(1);
    assertThat(saga.deadLetters()).isEmpty();
    assertThat(saga.status("v9")).isEqualTo("STUCK");
    assertThat(saga.commands(INVENTORY)).isEmpty();
  }

  @Test
  void shouldEndSagaWhenOperatorSkipsItsStuckCompensation() {
    stuck("v10");

    saga.operator("v10", OperatorAction.SKIP_STEP, "reserve-inventory");

    // Then the saga ends FAILED (not everything was undone) without sending anything more
    assertThat(saga.status("v10")).isEqualTo("FAILED");
    assertThat(saga.commands(INVENTORY)).isEmpty();
    assertThat(saga.events())
        .extracting(e -> e.getEventType().name())
        .contains("COMPENSATION_SKIPPED");
  }

  @Test
  void shouldDeadLetterStartWhoseDataIsOfAnotherType() {
    // When a start carries an InventoryReserved where the saga needs its order data
    saga.start(
        "v11",
        OrderFulfilmentSaga.TYPE,
        Optional.empty(),
        new InventoryReserved("r"),
        Optional.empty());

    assertRejected(
        "VALIDATION_FAILED",
        "carries data that is not a readable io.sagaflow.examples.order.Order");
    assertThat(saga.status("v11")).isEqualTo("ABSENT");
  }

  @Test
  void shouldDeadLetterStartOfUnknownTypeNamingTheType() {
    saga.start("v12", "no-such-saga", Optional.empty(), SagaDriver.order("o"), Optional.empty());

    assertRejected("VALIDATION_FAILED", "No saga type 'no-such-saga' is registered");
    assertThat(saga.status("v12")).isEqualTo("ABSENT");
  }

  @Test
  void shouldDeadLetterStartOfUnregisteredVersionListingTheRegisteredOnes() {
    saga.start(
        "v13", OrderFulfilmentSaga.TYPE, Optional.of(9), SagaDriver.order("o"), Optional.empty());

    assertRejected(
        "VALIDATION_FAILED", "'order-fulfilment' v9 is registered; registered versions of it: [1]");
  }

  @Test
  void shouldTreatSecondStartOfSameSagaAsDuplicateAndEmitNothing() {
    // Given a running saga
    started("v14");
    SagaStateRecord before = saga.state("v14").orElseThrow();

    // When the same start arrives again (a producer retry)
    saga.start("v14");

    // Then it is counted as a duplicate; nothing is sent, stored or dead-lettered
    assertThat(saga.counters.get("input.DUPLICATE")).isEqualTo(1);
    assertThat(saga.commands(INVENTORY)).isEmpty();
    assertThat(saga.deadLetters()).isEmpty();
    assertThat(saga.state("v14")).contains(before);
  }

  @Test
  void shouldDeadLetterRequestOfUnexpectedRecordType() {
    // When a step result is produced onto the requests topic by mistake
    started("v15");
    saga.pipeRequest("v15", new InventoryReserved("r-15"), new RecordHeaders());

    assertRejected(
        "VALIDATION_FAILED",
        "saga.requests takes [StartSaga, CancelSaga, OperatorCommand] records, not"
            + " InventoryReserved");
    assertThat(saga.commands(PAYMENT)).isEmpty();
  }

  @Test
  void shouldDeadLetterReplyProducedOntoRequestsTopic() {
    // Given a saga waiting for its inventory reply
    Command reserve = started("v15b");

    // When the participant sends its reply to saga.requests instead of saga.replies
    saga.pipeRequest(
        "v15b",
        StepReply.newBuilder()
            .setStep(reserve.step())
            .setAttempt(reserve.attempt())
            .setCommandId(reserve.commandId())
            .setOutcome(StepOutcome.SUCCEEDED)
            .build(),
        new RecordHeaders());

    // Then it is not applied: the saga still waits, and the record is dead-lettered
    assertRejected("VALIDATION_FAILED", "not StepReply");
    assertThat(saga.commands(PAYMENT)).isEmpty();
  }

  @Test
  void shouldDeadLetterInputWithoutKey() {
    // When a start arrives without a key
    saga.start(null);

    // Then it is rejected, with no saga id to name
    TestRecord<byte[], byte[]> letter = onlyLetter();
    assertThat(header(letter, SagaHeaders.SAGA_DLQ_REASON)).isEqualTo("VALIDATION_FAILED");
    assertThat(header(letter, SagaHeaders.SAGA_DLQ_DETAIL))
        .contains("Inputs must be keyed by saga id");
    assertThat(letter.headers().lastHeader(SagaHeaders.CE_SUBJECT)).isNull();
    assertThat(saga.decodeLetter(letter).getSagaId()).isNull();
  }

  @Test
  void shouldDeadLetterTombstone() {
    saga.pipeRawRequest("v16".getBytes(StandardCharsets.UTF_8), null);

    TestRecord<byte[], byte[]> letter = onlyLetter();
    assertThat(header(letter, SagaHeaders.SAGA_DLQ_REASON)).isEqualTo("VALIDATION_FAILED");
    assertThat(header(letter, SagaHeaders.SAGA_DLQ_DETAIL))
        .contains("Empty value (a tombstone) on saga.requests");
    DeadLetter value = saga.decodeLetter(letter);
    assertThat(value.getSagaId()).isEqualTo("v16");
    assertThat(value.getOriginalValue()).isNull();
  }

  @Test
  void shouldDeadLetterReplyWithNeitherKeyNorSubject() {
    Command reserve = started("v17");

    saga.pipeReply(null, replyTo(reserve).build(), new RecordHeaders());

    assertRejected("VALIDATION_FAILED", "this one has neither");
    assertThat(saga.commands(PAYMENT)).isEmpty();
  }

  @Test
  void shouldApplyReplyKeyedBySagaIdWithoutSubjectHeader() {
    Command reserve = started("v18");

    // When the participant sets the key but no ce_subject header
    saga.pipeReply(
        "v18",
        replyTo(reserve)
            .setStepResult(ByteBuffer.wrap(saga.data.encode(new InventoryReserved("r-18"))))
            .build(),
        new RecordHeaders());

    // Then the key alone routes it to its saga
    assertThat(saga.onlyCommand(PAYMENT).sagaId()).isEqualTo("v18");
  }

  @Test
  void shouldRekeyReplyWithBlankKeyByItsSubject() {
    Command reserve = started("v19");

    saga.pipeReply(
        " ",
        replyTo(reserve)
            .setStepResult(ByteBuffer.wrap(saga.data.encode(new InventoryReserved("r-19"))))
            .build(),
        subject("v19"));

    assertThat(saga.onlyCommand(PAYMENT).sagaId()).isEqualTo("v19");
    assertThat(saga.deadLetters()).isEmpty();
  }
}
