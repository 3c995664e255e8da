package io.sagaflow.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sagaflow.contract.SagaStateRecord;
import io.sagaflow.contract.StepStateRecord;
import io.sagaflow.engine.CommandKind;
import io.sagaflow.engine.SagaDefinition;
import io.sagaflow.engine.SagaState;
import io.sagaflow.engine.SagaStatus;
import io.sagaflow.engine.StepError;
import io.sagaflow.engine.StepState;
import io.sagaflow.engine.StepStatus;
import io.sagaflow.engine.Timer;
import io.sagaflow.engine.TimerKind;
import io.sagaflow.engine.Transition;
import io.sagaflow.examples.order.InventoryReserved;
import io.sagaflow.examples.order.OrderFulfilmentData;
import io.sagaflow.examples.order.OrderFulfilmentSaga;
import io.sagaflow.serde.AvroDeserializationException;
import io.sagaflow.serde.InMemorySchemaRegistry;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The codecs between engine values and the stored or nested Avro records. */
class CodecTest {
  private static final Instant AT = Instant.parse("2026-03-04T05:06:07.089Z");
  private static final SagaDefinition<OrderFulfilmentData> ORDER = OrderFulfilmentSaga.definition();

  private final DataCodec data = new DataCodec(new InMemorySchemaRegistry(), true);
  private final StateCodec states = new StateCodec(data);

  private static SagaState<OrderFulfilmentData> stateWithEverything() {
    UUID commandId = UUID.nameUUIDFromBytes(new byte[] {7});
    StepError compensationError =
        new StepError("WAREHOUSE_GONE", "no warehouse", CommandKind.COMPENSATION, 2, AT);
    List<StepState> steps =
        List.of(
            new StepState(
                "reserve-inventory",
                StepStatus.COMPENSATION_FAILED,
                1,
                Optional.of(commandId),
                Optional.of(compensationError),
                Optional.of(AT),
                Optional.of(AT.plusSeconds(5)),
                2,
                true),
            StepState.pending("authorize-payment"));
    List<Timer> timers =
        List.of(
            Timer.of("s-1", TimerKind.DEADLINE, Optional.empty(), 0, AT.plusSeconds(300)),
            Timer.of(
                "s-1",
                TimerKind.STEP_TIMEOUT,
                Optional.of("reserve-inventory"),
                1,
                AT.plusMillis(9)));
    List<Transition> history =
        List.of(
            new Transition(AT, Optional.empty(), SagaStatus.RUNNING, "started"),
            new Transition(
                AT.plusSeconds(5), Optional.of(SagaStatus.RUNNING), SagaStatus.STUCK, "stuck"));
    return new SagaState<>(
        "s-1",
        OrderFulfilmentSaga.TYPE,
        1,
        SagaStatus.STUCK,
        SagaDriver.order("o-1"),
        steps,
        timers,
        history,
        Optional.of("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"),
        Optional.of("compensation of reserve-inventory failed"),
        AT,
        AT.plusSeconds(5));
  }

  @Test
  void shouldRestoreStateWithErrorsTimersAndHistoryExactly() {
    SagaState<OrderFulfilmentData> state = stateWithEverything();

    SagaStateRecord stored = states.toRecord(state);

    assertThat(stored.getStateVersion()).isEqualTo(StateCodec.STATE_VERSION);
    assertThat(states.fromRecord(stored, ORDER)).isEqualTo(state);
  }

  @Test
  void shouldReadStepErrorStoredWithoutKindAttemptOrTimeWithDefaults() {
    // Given a step record written before kind, attempt and time of errors were stored
    SagaStateRecord stored = states.toRecord(stateWithEverything());
    StepStateRecord legacy =
        StepStateRecord.newBuilder(stored.getSteps().get(0))
            .setLastErrorKind(null)
            .setLastErrorAttempt(null)
            .setLastErrorAt(null)
            .setLastErrorMessage(null)
            .build();
    SagaStateRecord old =
        SagaStateRecord.newBuilder(stored)
            .setSteps(List.of(legacy, stored.getSteps().get(1)))
            .build();

    StepError error = states.fromRecord(old, ORDER).steps().get(0).lastError().orElseThrow();

    // Then the error reads as the action's, at the step's attempt, at the epoch, without message
    assertThat(error)
        .isEqualTo(new StepError("WAREHOUSE_GONE", "", CommandKind.ACTION, 1, Instant.EPOCH));
  }

  @Test
  void shouldRejectDataThatIsNotAnAvroGeneratedClass() {
    assertThatThrownBy(() -> data.encode("plain text"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Saga data, commands and results must be Avro generated classes, got java.lang.String");
  }

  @Test
  void shouldRejectPayloadOfAnotherTypeThanExpected() {
    byte[] bytes = data.encode(new InventoryReserved("r-1"));

    assertThatThrownBy(() -> data.decode(bytes, OrderFulfilmentData.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Expected a io.sagaflow.examples.order.OrderFulfilmentData but the payload holds a"
                + " io.sagaflow.examples.order.InventoryReserved");
    assertThat(data.decodeAny(bytes)).isEqualTo(new InventoryReserved("r-1"));
  }

  @Test
  void shouldRejectBytesThatAreNotWireFormat() {
    assertThatThrownBy(() -> data.decodeAny(new byte[] {9, 9}))
        .isInstanceOf(AvroDeserializationException.class);
  }

  @Test
  void shouldCopyReadableBytesWithoutMovingTheBuffer() {
    ByteBuffer buffer = ByteBuffer.wrap(new byte[] {1, 2, 3, 4});
    buffer.position(1);

    assertThat(DataCodec.toArray(buffer)).containsExactly(2, 3, 4);
    assertThat(buffer.position()).isEqualTo(1);
  }

  @Test
  void shouldHandBackTheBuffersOwnArrayWhenItHoldsExactlyTheReadableBytes() {
    byte[] whole = {1, 2, 3};
    assertThat(DataCodec.toArray(ByteBuffer.wrap(whole))).isSameAs(whole);

    // A buffer over part of its array, or a read-only one, still gives a copy of its bytes
    assertThat(DataCodec.toArray(ByteBuffer.wrap(whole, 0, 2))).containsExactly(1, 2);
    assertThat(DataCodec.toArray(ByteBuffer.wrap(whole).slice(1, 2))).containsExactly(2, 3);
    assertThat(DataCodec.toArray(ByteBuffer.wrap(whole).asReadOnlyBuffer()))
        .containsExactly(1, 2, 3)
        .isNotSameAs(whole);
  }
}
