package io.sagaflow.topology;

import static io.sagaflow.examples.order.OrderFulfilmentSaga.INVENTORY;
import static io.sagaflow.examples.order.OrderFulfilmentSaga.NOTIFICATION;
import static io.sagaflow.examples.order.OrderFulfilmentSaga.PAYMENT;
import static io.sagaflow.examples.order.OrderFulfilmentSaga.SHIPPING;
import static org.assertj.core.api.Assertions.assertThat;

import io.sagaflow.contract.DeadLetter;
import io.sagaflow.contract.OperatorAction;
import io.sagaflow.contract.SagaEvent;
import io.sagaflow.contract.SagaEventType;
import io.sagaflow.contract.StepOutcome;
import io.sagaflow.examples.order.ConfirmationSent;
import io.sagaflow.examples.order.InventoryReserved;
import io.sagaflow.examples.order.OrderFulfilmentData;
import io.sagaflow.examples.order.PaymentAuthorized;
import io.sagaflow.examples.order.PaymentCaptured;
import io.sagaflow.examples.order.ReleaseInventory;
import io.sagaflow.examples.order.ReserveInventory;
import io.sagaflow.examples.order.ShipmentBooked;
import io.sagaflow.examples.order.VoidPaymentAuthorization;
import io.sagaflow.serde.AvroDeserializer;
import io.sagaflow.serde.SagaHeaders;
import io.sagaflow.topology.SagaDriver.Command;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SagaTopologyTest {
  private final SagaDriver saga = new SagaDriver();

  @AfterEach
  void close() {
    saga.close();
  }

  private Command reserveAndAuthorize(String id) {
    saga.start(id);
    Command reserve = saga.onlyCommand(INVENTORY);
    saga.succeed(reserve, new InventoryReserved("res-" + id));
    Command authorize = saga.onlyCommand(PAYMENT);
    saga.succeed(authorize, new PaymentAuthorized("auth-" + id, new BigDecimal("42.50"), "EUR"));
    return saga.onlyCommand(PAYMENT);
  }

  @Test
  void shouldRunHappyPathToCompletedWithCorrelatedCommands() {
    // Given a started order saga
    saga.start("s1");

    // Then the first command goes to inventory with full CloudEvents correlation
    Command reserve = saga.onlyCommand(INVENTORY);
    assertThat(reserve.payload()).isInstanceOf(ReserveInventory.class);
    assertThat(reserve.header(SagaHeaders.CE_SUBJECT)).isEqualTo("s1");
    assertThat(reserve.header(SagaHeaders.CE_TYPE))
        .isEqualTo("io.sagaflow.examples.order.ReserveInventory");
    assertThat(reserve.header(SagaHeaders.CE_SOURCE)).isEqualTo("sagaflow");
    assertThat(reserve.header(SagaHeaders.SAGA_REPLY_TOPIC)).isEqualTo(SagaTopics.REPLIES);
    assertThat(reserve.header(SagaHeaders.TRACEPARENT))
        .isEqualTo("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
    assertThat(reserve.kind()).isEqualTo("ACTION");
    assertThat(reserve.attempt()).isEqualTo(1);

    // When every participant succeeds
    saga.succeed(reserve, new InventoryReserved("res-1"));
    Command authorize = saga.onlyCommand(PAYMENT);
    saga.succeed(authorize, new PaymentAuthorized("auth-1", new BigDecimal("42.50"), "EUR"));
    Command capture = saga.onlyCommand(PAYMENT);
    saga.succeed(capture, new PaymentCaptured("cap-1"));
    Command ship = saga.onlyCommand(SHIPPING);
    Command confirm = saga.onlyCommand(NOTIFICATION);
    saga.succeed(ship, new ShipmentBooked("ship-1", "DHL", null));
    saga.succeed(confirm, new ConfirmationSent("msg-1"));

    // Then the saga is COMPLETED, its data carries every result, and events tell the story
    assertThat(saga.status("s1")).isEqualTo("COMPLETED");
    OrderFulfilmentData data =
        saga.data.decode(
            DataCodec.toArray(saga.state("s1").orElseThrow().getData()), OrderFulfilmentData.class);
    assertThat(data.getReservationId()).isEqualTo("res-1");
    assertThat(data.getAuthorizationId()).isEqualTo("auth-1");
    assertThat(data.getCaptureId()).isEqualTo("cap-1");
    assertThat(data.getShipmentId()).isEqualTo("ship-1");
    assertThat(data.getConfirmationId()).isEqualTo("msg-1");
    List<SagaEventType> types = saga.events().stream().map(SagaEvent::getEventType).toList();
    assertThat(types).startsWith(SagaEventType.SAGA_STARTED).endsWith(SagaEventType.SAGA_COMPLETED);
    assertThat(saga.counters.get("input.APPLIED")).isEqualTo(6);
  }

  @Test
  void shouldWriteOneEventRecordPerDecisionWhoseFactsAreEveryTransition() {
    // Given a five-step saga run to completion: six decisions (the start and five replies)
    saga.start("f1");
    saga.succeed(saga.onlyCommand(INVENTORY), new InventoryReserved("res-f1"));
    saga.succeed(
        saga.onlyCommand(PAYMENT),
        new PaymentAuthorized("auth-f1", new BigDecimal("42.50"), "EUR"));
    saga.succeed(saga.onlyCommand(PAYMENT), new PaymentCaptured("cap-f1"));
    Command ship = saga.onlyCommand(SHIPPING);
    Command confirm = saga.onlyCommand(NOTIFICATION);
    saga.succeed(ship, new ShipmentBooked("ship-f1", "DHL", null));
    saga.succeed(confirm, new ConfirmationSent("msg-f1"));

    // Then saga.events holds one record per decision
    List<TestRecord<String, org.apache.avro.specific.SpecificRecord>> records = saga.eventRecords();
    assertThat(records).hasSize(6);
    // and, read fact by fact, the same transitions one record each used to carry
    assertThat(saga.events().stream().map(e -> e.getEventType() + " " + e.getStep()).toList())
        .containsExactly(
            "SAGA_STARTED null",
            "STEP_STARTED reserve-inventory",
            "STEP_SUCCEEDED reserve-inventory",
            "STEP_STARTED authorize-payment",
            "STEP_SUCCEEDED authorize-payment",
            "STEP_STARTED capture-payment",
            "STEP_SUCCEEDED capture-payment",
            "STEP_STARTED book-shipment",
            "STEP_STARTED send-confirmation",
            "STEP_SUCCEEDED book-shipment",
            "STEP_SUCCEEDED send-confirmation",
            "SAGA_COMPLETED null");
    // and the last record's top-level fact is the reply's, its further fact the completion
    SagaEvent last = (SagaEvent) records.get(5).value();
    assertThat(last.getEventType()).isEqualTo(SagaEventType.STEP_SUCCEEDED);
    assertThat(last.getStatus()).isEqualTo("RUNNING");
    assertThat(last.getFurtherFacts())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.getEventType()).isEqualTo(SagaEventType.SAGA_COMPLETED);
              assertThat(f.getStatus()).isEqualTo("COMPLETED");
            });
    // and each record's ce_id is its first fact's, the id that fact had as a record of its own
    Set<String> ids = new HashSet<>();
    records.forEach(
        r ->
            ids.add(
                new String(
                    r.headers().lastHeader(SagaHeaders.CE_ID).value(), StandardCharsets.UTF_8)));
    assertThat(ids).hasSize(6);
    SagaEvent first = (SagaEvent) records.get(0).value();
    String startedName = "f1\u0000SAGA_STARTED\u0000\u0000\u0000" + first.getAt().toEpochMilli();
    assertThat(ids)
        .contains(
            java.util
                .UUID
                .nameUUIDFromBytes(startedName.getBytes(StandardCharsets.UTF_8))
                .toString());
  }

  @Test
  void shouldCompensateCompletedStepsInReverseOrderOnBusinessFailure() {
    // Given inventory reserved and payment authorized
    Command capture = reserveAndAuthorize("s2");

    // Capture is the pivot; let a pre-pivot failure happen instead: restart with a declined card
    saga.start("s3");
    saga.succeed(saga.onlyCommand(INVENTORY), new InventoryReserved("res-3"));
    Command authorize = saga.onlyCommand(PAYMENT);

    // When the payment is declined (business failure, non-retriable)
    saga.failBusiness(authorize, "CARD_DECLINED");

    // Then only the completed step (inventory) is compensated, and the saga ends COMPENSATED
    Command release = saga.onlyCommand(INVENTORY);
    assertThat(release.kind()).isEqualTo("COMPENSATION");
    assertThat(release.payload()).isEqualTo(new ReleaseInventory("order-s3", "res-3"));
    assertThat(saga.commands(PAYMENT)).isEmpty();
    saga.succeedWithoutResult(release);
    assertThat(saga.status("s3")).isEqualTo("COMPENSATED");
    assertThat(capture.step()).isEqualTo("capture-payment");
  }

  @Test
  void shouldUndoPaymentThenInventoryWhenCaptureIsNeverReachedAndSagaIsCancelled() {
    // Given both compensatable steps done, capture sent... cancel only works before the pivot
    saga.start("s4");
    saga.succeed(saga.onlyCommand(INVENTORY), new InventoryReserved("res-4"));
    Command authorize = saga.onlyCommand(PAYMENT);
    saga.succeed(authorize, new PaymentAuthorized("auth-4", new BigDecimal("42.50"), "EUR"));
    Command capture = saga.onlyCommand(PAYMENT);

    // When the capture fails for good (business failure on the pivot)
    saga.failBusiness(capture, "CAPTURE_REJECTED");

    // Then payment is voided first, inventory released after it: reverse order
    Command voidAuth = saga.onlyCommand(PAYMENT);
    assertThat(voidAuth.payload()).isEqualTo(new VoidPaymentAuthorization("order-s4", "auth-4"));
    assertThat(saga.commands(INVENTORY)).isEmpty();
    saga.succeedWithoutResult(voidAuth);
    Command release = saga.onlyCommand(INVENTORY);
    assertThat(release.kind()).isEqualTo("COMPENSATION");
    saga.succeedWithoutResult(release);
    assertThat(saga.status("s4")).isEqualTo("COMPENSATED");
  }

  @Test
  void shouldRetryRetriableFailureAfterBackoffThenSucceed() {
    saga.start("s5");
    Command first = saga.onlyCommand(INVENTORY);

    // When the first attempt fails retriably
    saga.failRetriably(first, "DB_BUSY");

    // Then nothing is sent before the back-off, and attempt 2 after it
    assertThat(saga.commands(INVENTORY)).isEmpty();
    saga.tick(Duration.ofSeconds(1));
    Command second = saga.onlyCommand(INVENTORY);
    assertThat(second.attempt()).isEqualTo(2);
    assertThat(second.commandId()).isNotEqualTo(first.commandId());

    saga.succeed(second, new InventoryReserved("res-5"));
    assertThat(saga.onlyCommand(PAYMENT).step()).isEqualTo("authorize-payment");
    assertThat(saga.status("s5")).isEqualTo("RUNNING");
  }

  @Test
  void shouldRetryOnTimeoutAndCompensateAfterLastAttemptTimesOut() {
    saga.start("s6");
    saga.succeed(saga.onlyCommand(INVENTORY), new InventoryReserved("res-6"));
    Command authorize = saga.onlyCommand(PAYMENT);
    assertThat(authorize.attempt()).isEqualTo(1);

    // When no payment reply comes: every timeout is an attempt, up to three
    Set<Integer> attempts = new HashSet<>();
    for (int i = 0; i < 6 && saga.status("s6").equals("RUNNING"); i++) {
      saga.tick(Duration.ofSeconds(11));
      saga.commands(PAYMENT).forEach(c -> attempts.add(c.attempt()));
    }

    // Then attempts 2 and 3 were sent, and after the last timeout the saga compensates: the
    // payment that may have applied is voided, then the inventory released
    assertThat(attempts).contains(2, 3);
    assertThat(saga.status("s6")).isEqualTo("COMPENSATING");
    List<SagaEventType> types = saga.events().stream().map(SagaEvent::getEventType).toList();
    assertThat(types).contains(SagaEventType.STEP_FAILED, SagaEventType.SAGA_COMPENSATING);
  }

  @Test
  void shouldRetryParallelBranchAfterPivotUntilItSucceeds() {
    Command capture = reserveAndAuthorize("s7");
    saga.succeed(capture, new PaymentCaptured("cap-7"));
    Command ship = saga.onlyCommand(SHIPPING);
    Command confirm = saga.onlyCommand(NOTIFICATION);

    // When one branch fails (after the pivot: forward recovery, never compensation)
    saga.succeed(confirm, new ConfirmationSent("m-7"));
    saga.failRetriably(ship, "CARRIER_DOWN");
    saga.tick(Duration.ofSeconds(2));
    Command shipAgain = saga.onlyCommand(SHIPPING);

    // Then the failing branch is retried and the saga completes; nothing was compensated
    assertThat(shipAgain.attempt()).isEqualTo(2);
    saga.succeed(shipAgain, new ShipmentBooked("ship-7", "UPS", "1Z"));
    assertThat(saga.status("s7")).isEqualTo("COMPLETED");
    assertThat(saga.commands(PAYMENT)).isEmpty();
    assertThat(saga.commands(INVENTORY)).isEmpty();
  }

  @Test
  void shouldCompensateOnCancelBeforePivotAndRefuseAfter() {
    saga.start("s8");
    saga.succeed(saga.onlyCommand(INVENTORY), new InventoryReserved("res-8"));
    saga.onlyCommand(PAYMENT);

    saga.cancel("s8", "customer changed their mind");

    assertThat(saga.status("s8")).isEqualTo("COMPENSATING");

    Command capture = reserveAndAuthorize("s9");
    saga.cancel("s9", "too late");
    assertThat(saga.status("s9")).isEqualTo("RUNNING");
    assertThat(saga.counters.get("input.REFUSED")).isEqualTo(1);
    assertThat(capture.step()).isEqualTo("capture-payment");
  }

  @Test
  void shouldCountDuplicateAndStaleRepliesWithoutApplyingThemTwice() {
    saga.start("s10");
    Command first = saga.onlyCommand(INVENTORY);
    saga.failRetriably(first, "BUSY");
    saga.tick(Duration.ofSeconds(1));
    Command second = saga.onlyCommand(INVENTORY);
    saga.succeed(second, new InventoryReserved("res-10"));
    saga.onlyCommand(PAYMENT);

    // When the same success arrives again, and a late reply for attempt 1 too
    saga.succeed(second, new InventoryReserved("res-10"));
    saga.succeed(first, new InventoryReserved("res-old"));

    // Then neither produces a command, and both are counted
    assertThat(saga.commands(PAYMENT)).isEmpty();
    assertThat(saga.counters.get("input.DUPLICATE") + saga.counters.get("input.STALE_ATTEMPT"))
        .isEqualTo(2);
    assertThat(saga.deadLetters()).isEmpty();
  }

  @Test
  void shouldDeadLetterPoisonRecordAndKeepProcessing() {
    // When a record that is not in the wire format arrives, then a valid start
    saga.pipeRawRequest("bad".getBytes(StandardCharsets.UTF_8), new byte[] {1, 2, 3});
    saga.start("s11");

    // Then the poison record is in the DLQ with its reason and origin, and the start went through
    List<TestRecord<byte[], byte[]>> letters = saga.deadLetters();
    assertThat(letters).hasSize(1);
    TestRecord<byte[], byte[]> letter = letters.get(0);
    assertThat(header(letter, SagaHeaders.SAGA_DLQ_REASON)).isEqualTo("DESERIALIZATION_FAILED");
    assertThat(header(letter, SagaHeaders.SAGA_DLQ_SOURCE_TOPIC)).isEqualTo(SagaTopics.REQUESTS);
    assertThat(header(letter, "__streams.errors.topic")).isEqualTo(SagaTopics.REQUESTS);
    DeadLetter value = decodeLetter(letter);
    assertThat(value.getOriginalValue()).isNull();
    assertThat(header(letter, SagaHeaders.SAGA_DLQ_ORIGINAL_REDACTED)).isEqualTo("undecodable");
    assertThat(value.getSagaId()).isEqualTo("bad");
    assertThat(saga.onlyCommand(INVENTORY).sagaId()).isEqualTo("s11");
  }

  @Test
  void shouldDeadLetterRepliesForUnknownSagasAndAfterTheEnd() {
    saga.start("s12");
    Command reserve = saga.onlyCommand(INVENTORY);
    saga.failBusiness(reserve, "OUT_OF_STOCK");
    assertThat(saga.status("s12")).isEqualTo("COMPENSATED");

    // When a reply comes after the end, and one for a saga that never existed
    saga.succeed(reserve, new InventoryReserved("late"));
    saga.reply(reserve, StepOutcome.SUCCEEDED, null, null, Optional.empty(), "ghost", "ghost");

    List<TestRecord<byte[], byte[]>> letters = saga.deadLetters();
    assertThat(letters)
        .extracting(l -> header(l, SagaHeaders.SAGA_DLQ_REASON))
        .containsExactly("AFTER_END", "UNKNOWN_SAGA");
    assertThat(header(letters.get(0), SagaHeaders.CE_SUBJECT)).isEqualTo("s12");
  }

  @Test
  void shouldRekeyReplyByItsSubjectHeader() {
    saga.start("s13");
    Command reserve = saga.onlyCommand(INVENTORY);

    // When the participant keys its reply by the order id instead of the saga id
    saga.reply(
        reserve,
        StepOutcome.SUCCEEDED,
        null,
        null,
        Optional.of(new InventoryReserved("res-13")),
        "order-s13",
        "s13");

    // Then it still reaches its saga
    assertThat(saga.onlyCommand(PAYMENT).sagaId()).isEqualTo("s13");
  }

  @Test
  void shouldParkStuckSagaAndResumeOnOperatorCommand() {
    saga.start("s14");
    saga.succeed(saga.onlyCommand(INVENTORY), new InventoryReserved("res-14"));
    saga.failBusiness(saga.onlyCommand(PAYMENT), "CARD_DECLINED");
    Command release = saga.onlyCommand(INVENTORY);

    // When the compensation fails for good
    saga.failBusiness(release, "WAREHOUSE_GONE");
    assertThat(saga.status("s14")).isEqualTo("STUCK");

    // Then an operator can retry it
    saga.operator("s14", OperatorAction.RETRY_STEP, "reserve-inventory");
    Command again = saga.onlyCommand(INVENTORY);
    assertThat(again.kind()).isEqualTo("COMPENSATION");
    saga.succeedWithoutResult(again);
    assertThat(saga.status("s14")).isEqualTo("COMPENSATED");
  }

  private DeadLetter decodeLetter(TestRecord<byte[], byte[]> letter) {
    return AvroDeserializer.specific(DeadLetter.class, saga.schemas)
        .deserialize(SagaTopics.DLQ, letter.value());
  }

  private static String header(TestRecord<byte[], byte[]> record, String name) {
    return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }
}
