package io.sagaflow.topology;

import static io.sagaflow.examples.order.OrderFulfilmentSaga.INVENTORY;
import static io.sagaflow.examples.order.OrderFulfilmentSaga.PAYMENT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sagaflow.contract.DeadLetter;
import io.sagaflow.contract.DeadLetterReason;
import io.sagaflow.examples.order.InventoryReserved;
import io.sagaflow.examples.order.OrderFulfilmentSaga;
import io.sagaflow.serde.AvroSerdeConfig;
import io.sagaflow.serde.AvroSerializer;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The retention scan: finished sagas leave the state and index stores once they ended longer ago
 * than {@code saga.retention.finished}, dead letters leave theirs once older than the topic keeps
 * them, a budget of entries at a time; open sagas stay whatever their age.
 */
class RetentionTest {
  private static final Duration KEPT = Duration.ofHours(1);
  private static final Duration LETTERS_KEPT = Duration.ofDays(3);
  private static final Duration SCAN = Duration.ofSeconds(1);

  private SagaDriver saga =
      SagaDriver.withRetention(new Retention(KEPT, LETTERS_KEPT, SCAN, Retention.DEFAULT_BUDGET));

  @AfterEach
  void close() {
    saga.close();
  }

  /** Runs a saga to COMPENSATED: inventory reserved, payment declined, inventory released. */
  private void compensate(String sagaId) {
    saga.start(sagaId);
    saga.succeed(saga.onlyCommand(INVENTORY), new InventoryReserved("r"));
    saga.failBusiness(saga.onlyCommand(PAYMENT), "CARD_DECLINED");
    saga.succeedWithoutResult(saga.onlyCommand(INVENTORY));
    assertThat(saga.status(sagaId)).isEqualTo("COMPENSATED");
  }

  /** Runs a saga to STUCK: as above, but releasing the inventory fails for good. */
  private void park(String sagaId) {
    saga.start(sagaId);
    saga.succeed(saga.onlyCommand(INVENTORY), new InventoryReserved("r"));
    saga.failBusiness(saga.onlyCommand(PAYMENT), "CARD_DECLINED");
    saga.failBusiness(saga.onlyCommand(INVENTORY), "WAREHOUSE_GONE");
    assertThat(saga.status(sagaId)).isEqualTo("STUCK");
  }

  private List<String> indexed() {
    return saga.indexEntries().stream().map(SagaIndex.Entry::sagaId).toList();
  }

  private KeyValueStore<Bytes, byte[]> index() {
    return saga.driver.getKeyValueStore(SagaTopology.INDEX_STORE);
  }

  private void recordDeadLetter(String sagaId) {
    DeadLetter letter =
        DeadLetter.newBuilder()
            .setReason(DeadLetterReason.AFTER_END)
            .setDetail("a reply after the end")
            .setSourceTopic(SagaTopics.REPLIES)
            .setSourcePartition(0)
            .setSourceOffset(7)
            .setSagaId(sagaId)
            .setOriginalValue(ByteBuffer.wrap(new byte[] {1}))
            .setFailedAt(saga.now())
            .build();
    AvroSerializer<DeadLetter> letters =
        new AvroSerializer<>(saga.schemas, AvroSerdeConfig.topicName().withAutoRegister(true));
    saga.pipeRawDeadLetter(letters.serialize(SagaTopics.DLQ, letter), new RecordHeaders());
  }

  @Test
  void shouldRemoveAFinishedSagaWithItsIndexEntryOnceItEndedLongerAgoThanTheRetention() {
    // Given a saga that ended now
    compensate("done");

    // When just under the retention has passed, it is still there
    saga.tick(KEPT.minus(SCAN));
    assertThat(saga.state("done")).isPresent();

    // Then once the retention has passed, its state and index entry are gone
    saga.tick(SCAN.multipliedBy(2));
    assertThat(saga.state("done")).isEmpty();
    assertThat(indexed()).doesNotContain("done");
    assertThat(saga.counters.get("retention.removed.saga")).isEqualTo(1);
  }

  @Test
  void shouldKeepStuckAndRunningSagasWhateverTheirAge() {
    // Given a STUCK saga, and a RUNNING one listed in the index since long ago
    park("stuck");
    Instant longAgo = saga.now().minus(Duration.ofDays(365));
    SagaIndex.Entry running =
        new SagaIndex.Entry("RUNNING", OrderFulfilmentSaga.TYPE, longAgo, "running", longAgo);
    index().put(running.key(), running.value());

    // When a week passes, scan after scan
    for (int i = 0; i < 7; i++) {
      saga.tick(Duration.ofDays(1));
    }

    // Then both are kept
    assertThat(saga.state("stuck")).isPresent();
    assertThat(indexed()).containsExactlyInAnyOrder("stuck", "running");
    assertThat(saga.counters.get("retention.removed.saga")).isZero();
  }

  @Test
  void shouldRemoveASagaThatFinishedLaterOnlyAfterItsOwnRetention() {
    // Given one saga ending now and another half an hour later
    compensate("first");
    saga.tick(Duration.ofMinutes(30));
    compensate("second");

    // When the first one's retention has passed
    saga.tick(Duration.ofMinutes(30).plus(SCAN));

    // Then only the first is gone
    assertThat(saga.state("first")).isEmpty();
    assertThat(saga.state("second")).isPresent();

    // And the second goes once its own retention has passed
    saga.tick(Duration.ofMinutes(30));
    assertThat(saga.state("second")).isEmpty();
    assertThat(indexed()).isEmpty();
  }

  @Test
  void shouldVisitAtMostTheBudgetPerScanAndContinueWhereTheLastScanStopped() {
    saga.close();
    saga = SagaDriver.withRetention(new Retention(KEPT, LETTERS_KEPT, SCAN, 2));
    // Given five sagas that ended a day ago, one open saga in between, and one that ended now
    Instant dayAgo = saga.now().minus(Duration.ofDays(1));
    for (String id : List.of("a", "b", "c", "d", "e")) {
      SagaIndex.Entry done =
          new SagaIndex.Entry("COMPLETED", OrderFulfilmentSaga.TYPE, dayAgo, id, dayAgo);
      index().put(done.key(), done.value());
    }
    SagaIndex.Entry open =
        new SagaIndex.Entry("COMPENSATING", OrderFulfilmentSaga.TYPE, dayAgo, "open", dayAgo);
    index().put(open.key(), open.value());
    SagaIndex.Entry recent =
        new SagaIndex.Entry("FAILED", OrderFulfilmentSaga.TYPE, dayAgo, "recent", saga.now());
    index().put(recent.key(), recent.value());

    // When one scan runs, it removes two
    saga.tick(SCAN);
    assertThat(indexed()).hasSize(5).contains("open", "recent");

    // Then the next scans go on from there: two more, then the last finished one
    saga.tick(SCAN);
    assertThat(indexed()).containsExactlyInAnyOrder("e", "open", "recent");
    saga.tick(SCAN);
    assertThat(indexed()).containsExactlyInAnyOrder("open", "recent");
    assertThat(saga.counters.get("retention.removed.saga")).isEqualTo(5);

    // And a scan that wraps round keeps what has not expired
    saga.tick(SCAN);
    saga.tick(SCAN);
    assertThat(indexed()).containsExactlyInAnyOrder("open", "recent");
  }

  private void putIndexed(String status, String type, Instant createdAt, String id, Instant ended) {
    SagaIndex.Entry entry = new SagaIndex.Entry(status, type, createdAt, id, ended);
    index().put(entry.key(), entry.value());
  }

  @Test
  void shouldReachExpiredSagasPastAnyNumberOfSagasStartedWithinTheRetention() {
    saga.close();
    saga = SagaDriver.withRetention(new Retention(KEPT, LETTERS_KEPT, SCAN, 3));
    // Given, for two saga types, fifty sagas that started and ended within the retention, listed
    // before (newer than) one saga of the same type that ended a day ago
    Instant now = saga.now();
    for (String type : List.of("a-type", "b-type")) {
      for (int i = 0; i < 50; i++) {
        putIndexed(
            "COMPLETED", type, now.minus(Duration.ofMinutes(10)), type + "-recent-" + i, now);
      }
      putIndexed(
          "COMPLETED",
          type,
          now.minus(Duration.ofDays(2)),
          type + "-old",
          now.minus(Duration.ofDays(1)));
    }

    // When two scans of three entries each run
    saga.tick(SCAN);
    saga.tick(SCAN);

    // Then both old sagas are gone, and every recent one is kept
    assertThat(indexed()).hasSize(100).doesNotContain("a-type-old", "b-type-old");
    assertThat(saga.counters.get("retention.removed.saga")).isEqualTo(2);
  }

  @Test
  void shouldKeepASagaThatStartedLongAgoButEndedWithinTheRetention() {
    // Given a saga started two days ago that ended ten minutes ago, and one that ended a day ago
    Instant now = saga.now();
    putIndexed(
        "FAILED",
        OrderFulfilmentSaga.TYPE,
        now.minus(Duration.ofDays(2)),
        "long-runner",
        now.minus(Duration.ofMinutes(10)));
    putIndexed(
        "FAILED",
        OrderFulfilmentSaga.TYPE,
        now.minus(Duration.ofDays(3)),
        "old",
        now.minus(Duration.ofDays(1)));

    // When a scan runs
    saga.tick(SCAN);

    // Then only the one that ended longer ago than the retention is removed
    assertThat(indexed()).containsExactly("long-runner");

    // And the long runner goes once its own retention has passed
    saga.tick(KEPT);
    assertThat(indexed()).isEmpty();
  }

  @Test
  void shouldRemoveDeadLettersOnceOlderThanTheDeadLetterTopicKeepsThem() {
    // Given a dead letter written now and another a day later
    recordDeadLetter("early");
    saga.tick(Duration.ofDays(1));
    recordDeadLetter("late");

    // When the first one's retention has passed
    saga.tick(LETTERS_KEPT.minus(Duration.ofDays(1)).plus(SCAN));

    // Then only the first is gone from the store
    assertThat(saga.deadLetterEntries("early")).isEmpty();
    assertThat(saga.deadLetterEntries("late")).hasSize(1);
    assertThat(saga.counters.get("retention.removed.dead-letter")).isEqualTo(1);

    // And the second goes after its own
    saga.tick(Duration.ofDays(1));
    assertThat(saga.deadLetterEntries("late")).isEmpty();
  }

  @Test
  void shouldScanNothingWhenRetentionIsOff() {
    saga.close();
    saga = new SagaDriver();
    compensate("kept");
    recordDeadLetter("kept");

    saga.tick(Duration.ofDays(3650));

    assertThat(saga.state("kept")).isPresent();
    assertThat(saga.deadLetterEntries("kept")).hasSize(1);
  }

  @Test
  void shouldRejectRetentionsThatCannotBeMeant() {
    assertThatThrownBy(() -> Retention.of(Duration.ofHours(-1), Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("negative");
    assertThatThrownBy(() -> Retention.of(Duration.ZERO, Duration.ofDays(-1)))
        .hasMessageContaining("negative");
    assertThatThrownBy(() -> new Retention(KEPT, KEPT, Duration.ZERO, 1))
        .hasMessageContaining("interval");
    assertThatThrownBy(() -> new Retention(KEPT, KEPT, Duration.ofSeconds(-1), 1))
        .hasMessageContaining("interval");
    assertThatThrownBy(() -> new Retention(KEPT, KEPT, SCAN, 0)).hasMessageContaining("budget");
    assertThatThrownBy(
            () -> new StoreSweep(index(), List.<StoreSweep.Range>of()).next(1, (k, v) -> true))
        .hasMessageContaining("range");
    assertThat(Retention.OFF.removesFinished()).isFalse();
    assertThat(Retention.of(KEPT, Duration.ZERO).removesDeadLetters()).isFalse();
  }
}
