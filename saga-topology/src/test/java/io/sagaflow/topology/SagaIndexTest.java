package io.sagaflow.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sagaflow.contract.SagaStateRecord;
import io.sagaflow.contract.TransitionRecord;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;

/** Key layout, values and minimal writes of the saga-index store. */
class SagaIndexTest {
  private static final Instant T = Instant.parse("2026-03-01T12:00:00Z");

  private static SagaIndex.Entry running(String sagaId, Instant createdAt) {
    return new SagaIndex.Entry("RUNNING", "order", createdAt, sagaId, createdAt);
  }

  @Test
  void shouldRoundTripAnEntryThroughItsKeyAndValue() {
    SagaIndex.Entry entry = new SagaIndex.Entry("STUCK", "order", T, "s-ü:1", T.plusSeconds(9));

    assertThat(SagaIndex.decode(entry.key(), entry.value())).isEqualTo(entry);
  }

  @Test
  void shouldSortKeysNewestFirstThenBySagaIdAndKeepThemWithinTheirPrefix() {
    List<SagaIndex.Entry> entries =
        new ArrayList<>(
            List.of(
                running("b", T),
                running("a", T),
                running("z", T.minusSeconds(1)),
                running("c", T.plusMillis(1))));
    entries.sort(Comparator.comparing(SagaIndex.Entry::key));

    assertThat(entries).extracting(SagaIndex.Entry::sagaId).containsExactly("c", "a", "b", "z");
    Bytes from = SagaIndex.prefix("RUNNING", "order");
    Bytes to = SagaIndex.prefixEnd("RUNNING", "order");
    SagaIndex.Entry epoch = running("e", Instant.EPOCH);
    SagaIndex.Entry longerType = new SagaIndex.Entry("RUNNING", "orders", T, "x", T);
    assertThat(epoch.key()).isGreaterThan(from).isLessThan(to);
    assertThat(longerType.key()).isGreaterThan(to);
  }

  @Test
  void shouldPlaceTheSuccessorOfAPositionAfterItAndBeforeEveryLaterEntry() {
    Bytes position = SagaIndex.position("RUNNING", "order", T, "a");
    Bytes after = SagaIndex.successor(position);

    assertThat(after).isGreaterThan(position);
    assertThat(running("a", T).key()).isEqualTo(position);
    assertThat(running("aa", T).key()).isGreaterThanOrEqualTo(after);
    assertThat(running("0", T.minusMillis(1)).key()).isGreaterThan(after);
  }

  @Test
  void shouldWriteNothingWhenTheEntryIsUnchanged() {
    Optional<SagaIndex.Entry> entry = Optional.of(running("s", T));

    assertThat(SagaIndex.changes(entry, entry)).isEmpty();
  }

  @Test
  void shouldDeleteTheOldKeyAndPutTheNewOneWhenTheStatusChanges() {
    SagaIndex.Entry before = running("s", T);
    SagaIndex.Entry after = new SagaIndex.Entry("COMPLETED", "order", T, "s", T.plusSeconds(5));

    List<KeyValue<Bytes, byte[]>> changes =
        SagaIndex.changes(Optional.of(before), Optional.of(after));

    assertThat(changes).hasSize(2);
    assertThat(changes.get(0).key).isEqualTo(before.key());
    assertThat(changes.get(0).value).isNull();
    assertThat(changes.get(1).key).isEqualTo(after.key());
    assertThat(changes.get(1).value).isEqualTo(after.value());
  }

  @Test
  void shouldOnlyPutWhenTheKeyStaysAndOnlyTheStatusTimeMoves() {
    SagaIndex.Entry before = running("s", T);
    SagaIndex.Entry after = new SagaIndex.Entry("RUNNING", "order", T, "s", T.plusSeconds(5));

    assertThat(SagaIndex.changes(Optional.of(before), Optional.of(after)))
        .extracting(kv -> kv.key)
        .containsExactly(after.key());
  }

  @Test
  void shouldPutANewSagaAndDeleteARemovedOne() {
    SagaIndex.Entry entry = running("s", T);

    assertThat(SagaIndex.changes(Optional.empty(), Optional.of(entry)))
        .extracting(kv -> kv.key)
        .containsExactly(entry.key());
    List<KeyValue<Bytes, byte[]>> removal = SagaIndex.changes(Optional.of(entry), Optional.empty());
    assertThat(removal).hasSize(1);
    assertThat(removal.get(0).key).isEqualTo(entry.key());
    assertThat(removal.get(0).value).isNull();
  }

  @Test
  void shouldTakeStatusSinceFromTheLastTransitionIntoTheCurrentStatus() {
    SagaStateRecord.Builder state =
        SagaStateRecord.newBuilder()
            .setStateVersion(1)
            .setSagaId("s")
            .setSagaType("order")
            .setDefinitionVersion(1)
            .setStatus("STUCK")
            .setData(ByteBuffer.allocate(0))
            .setSteps(List.of())
            .setTimers(List.of())
            .setCreatedAt(T)
            .setUpdatedAt(T.plusSeconds(30));
    state.setHistory(
        List.of(
            transition("", "RUNNING", T),
            transition("RUNNING", "STUCK", T.plusSeconds(10)),
            transition("STUCK", "RUNNING", T.plusSeconds(20)),
            transition("RUNNING", "STUCK", T.plusSeconds(30))));

    assertThat(SagaIndex.entryOf(state.build()).statusSince()).isEqualTo(T.plusSeconds(30));
    assertThat(SagaIndex.statusSince(state.setHistory(List.of()).build())).isEqualTo(T);
  }

  @Test
  void shouldRejectWhatTheLayoutCannotHold() {
    assertThatThrownBy(() -> new SagaIndex.Entry("RUN\0NING", "order", T, "s", T))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new SagaIndex.Entry("RUNNING", "", T, "s", T))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> new SagaIndex.Entry("RUNNING", "order", Instant.ofEpochMilli(-1), "s", T))
        .hasMessageContaining("before 1970");
    assertThatThrownBy(() -> SagaIndex.decode(Bytes.wrap(new byte[] {1, 2}), new byte[9]))
        .hasMessageContaining("separator");
    SagaIndex.Entry entry = running("s", T);
    assertThatThrownBy(() -> SagaIndex.decode(entry.key(), new byte[9]))
        .hasMessageContaining("Not a saga-index value");
    assertThatThrownBy(() -> SagaIndex.decode(entry.key(), new byte[3]))
        .hasMessageContaining("Not a saga-index value");
  }

  private static TransitionRecord transition(String from, String to, Instant at) {
    return TransitionRecord.newBuilder().setAt(at).setFrom(from).setTo(to).setCause("c").build();
  }
}
