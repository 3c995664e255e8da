package io.sagaflow.topology;

import static io.sagaflow.examples.order.OrderFulfilmentSaga.INVENTORY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sagaflow.contract.DeadLetter;
import io.sagaflow.contract.DeadLetterReason;
import io.sagaflow.contract.StepOutcome;
import io.sagaflow.contract.StepReply;
import io.sagaflow.serde.AvroSerdeConfig;
import io.sagaflow.serde.AvroSerializer;
import io.sagaflow.serde.SagaHeaders;
import io.sagaflow.topology.SagaDriver.Command;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The saga-dead-letters store: every saga.dlq record, by saga, without the original bytes. */
class DeadLetterStoreTest {
  private final SagaDriver saga = new SagaDriver();
  private final AvroSerializer<DeadLetter> letters =
      new AvroSerializer<>(saga.schemas, AvroSerdeConfig.topicName().withAutoRegister(true));

  @AfterEach
  void close() {
    saga.close();
  }

  private static Headers subject(String sagaId) {
    RecordHeaders headers = new RecordHeaders();
    headers.add(SagaHeaders.CE_SUBJECT, sagaId.getBytes(StandardCharsets.UTF_8));
    return headers;
  }

  private static DeadLetter letter(String sagaId, Instant failedAt) {
    return DeadLetter.newBuilder()
        .setReason(DeadLetterReason.UNKNOWN_SAGA)
        .setDetail("no such saga")
        .setSourceTopic(SagaTopics.REPLIES)
        .setSourcePartition(1)
        .setSourceOffset(9)
        .setSagaId(sagaId)
        .setOriginalValue(ByteBuffer.wrap(new byte[] {1, 2, 3}))
        .setFailedAt(failedAt)
        .build();
  }

  private void pipe(DeadLetter letter, Headers headers) {
    saga.pipeRawDeadLetter(letters.serialize(SagaTopics.DLQ, letter), headers);
  }

  @Test
  void shouldKeepAReplyForAnUnknownStepUnderItsSagaWithoutTheOriginalBytes() {
    // Given a running saga
    saga.start("d1");
    Command reserve = saga.onlyCommand(INVENTORY);

    // When a participant replies for a step the saga does not have
    StepReply reply =
        StepReply.newBuilder()
            .setStep("teleport-goods")
            .setAttempt(1)
            .setCommandId(reserve.commandId())
            .setOutcome(StepOutcome.SUCCEEDED)
            .build();
    saga.pipeReply("d1", reply, subject("d1"));

    // Then the store lists that dead letter for the saga, with the size of what was sent
    TestRecord<byte[], byte[]> written = saga.deadLetters().get(0);
    int originalSize = saga.decodeLetter(written).getOriginalValue().remaining();
    List<DeadLetterEntry> entries = saga.deadLetterEntries("d1");
    assertThat(entries).hasSize(1);
    DeadLetterEntry entry = entries.get(0);
    assertThat(entry.reason()).isEqualTo("UNKNOWN_STEP");
    assertThat(entry.detail()).contains("teleport-goods");
    assertThat(entry.sourceTopic()).isEqualTo(SagaTopics.REPLIES);
    assertThat(entry.sourceOffset()).isEqualTo(0);
    assertThat(entry.failedAt()).isEqualTo(saga.now());
    assertThat(entry.dlqPartition()).isEqualTo(0);
    assertThat(entry.dlqOffset()).isEqualTo(0);
    assertThat(entry.originalValueBytes()).contains(originalSize);
    assertThat(saga.counters.get("dead-letter-store.recorded")).isEqualTo(1);
  }

  @Test
  void shouldKeepAPoisonRecordUnderTheSagaIdItWasKeyedBy() {
    saga.pipeRawRequest("d2".getBytes(StandardCharsets.UTF_8), new byte[] {9, 9, 9, 9});

    List<DeadLetterEntry> entries = saga.deadLetterEntries("d2");
    assertThat(entries)
        .extracting(DeadLetterEntry::reason)
        .containsExactly("DESERIALIZATION_FAILED");
    // Bytes that do not decode cannot be masked field by field, so the letter leaves them out,
    // and still says how many were sent
    assertThat(entries.get(0).originalValueBytes()).contains(4);
  }

  @Test
  void shouldListASagasLettersOldestFirstAndNoOtherSagas() {
    Instant t0 = SagaDriver.T0;
    pipe(letter("d3", t0.plusSeconds(20)), new RecordHeaders());
    pipe(letter("d3", t0.plusSeconds(10)), new RecordHeaders());
    pipe(letter("d3x", t0), new RecordHeaders());
    pipe(letter("d", t0), new RecordHeaders());

    assertThat(saga.deadLetterEntries("d3"))
        .extracting(DeadLetterEntry::failedAt, DeadLetterEntry::dlqOffset)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(t0.plusSeconds(10), 1L),
            org.assertj.core.groups.Tuple.tuple(t0.plusSeconds(20), 0L));
  }

  @Test
  void shouldTakeTheSagaIdFromTheSubjectHeaderWhenTheLetterHasNone() {
    DeadLetter anonymous = letter("ignored", SagaDriver.T0);
    anonymous.setSagaId(null);
    anonymous.setOriginalValue(null);

    pipe(anonymous, subject("d4"));
    pipe(anonymous, new RecordHeaders());

    assertThat(saga.deadLetterEntries("d4")).hasSize(1);
    assertThat(saga.deadLetterEntries("d4").get(0).originalValueBytes()).isEmpty();
    assertThat(saga.counters.get("dead-letter-store.no-saga")).isEqualTo(1);
  }

  @Test
  void shouldSkipAndCountRecordsThatAreNotDeadLettersAndGoOn() {
    // When saga.dlq holds bytes that are not a DeadLetter, and a tombstone
    saga.pipeRawDeadLetter(new byte[] {0, 0, 0, 0, 42, 1}, subject("d5"));
    saga.pipeRawDeadLetter(null, subject("d5"));

    // Then both are skipped and counted, nothing is dead-lettered again, and the next one is kept
    pipe(letter("d5", SagaDriver.T0), new RecordHeaders());
    assertThat(saga.counters.get("dead-letter-store.undecodable")).isEqualTo(2);
    assertThat(saga.deadLetters()).isEmpty();
    assertThat(saga.deadLetterEntries("d5")).hasSize(1);
  }

  @Test
  void shouldKeepOnlyTheNewestFiftyLettersOfASaga() {
    IntStream.range(0, DeadLetterRecorder.MAX_PER_SAGA + 3)
        .forEach(i -> pipe(letter("d6", SagaDriver.T0.plusSeconds(i)), new RecordHeaders()));

    List<DeadLetterEntry> kept = saga.deadLetterEntries("d6");
    assertThat(kept).hasSize(DeadLetterRecorder.MAX_PER_SAGA);
    assertThat(kept.get(0).failedAt()).isEqualTo(SagaDriver.T0.plusSeconds(3));
    assertThat(saga.counters.get("dead-letter-store.dropped-oldest")).isEqualTo(3);
  }

  @Test
  void shouldStopInsteadOfSkippingWhenTheRegistryIsDown() {
    byte[] value = letters.serialize(SagaTopics.DLQ, letter("d7", SagaDriver.T0));
    saga.takeRegistryDown();

    // The task stops; the record is read again once the registry answers
    assertThatThrownBy(() -> saga.pipeRawDeadLetter(value, new RecordHeaders()))
        .satisfies(
            e -> assertThat(DeadLetterHandlers.isRegistryFailure(e)).as("cause chain").isTrue());
    assertThat(saga.counters.get("dead-letter-store.undecodable")).isZero();
  }

  @Test
  void shouldRoundTripAnEntryThroughItsKeyAndValue() {
    DeadLetterEntry entry =
        new DeadLetterEntry(
            "s-ü",
            "AFTER_END",
            "détail",
            "saga.requests",
            3,
            77L,
            SagaDriver.T0,
            2,
            1234L,
            Optional.of(17));

    assertThat(DeadLetterEntry.decode(entry.key(), entry.value())).isEqualTo(entry);
    assertThatThrownBy(() -> DeadLetterEntry.decode(DeadLetterEntry.prefix("x"), entry.value()))
        .isInstanceOf(IllegalArgumentException.class);
    byte[] noSeparator = new byte[30];
    java.util.Arrays.fill(noSeparator, (byte) 'a');
    assertThatThrownBy(() -> DeadLetterEntry.decode(Bytes.wrap(noSeparator), entry.value()))
        .isInstanceOf(IllegalArgumentException.class);
    byte[] otherFormat = entry.value();
    otherFormat[0] = 9;
    assertThatThrownBy(() -> DeadLetterEntry.decode(entry.key(), otherFormat))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
