package io.sagaflow.topology;

import static io.sagaflow.examples.order.OrderFulfilmentSaga.INVENTORY;
import static io.sagaflow.examples.order.OrderFulfilmentSaga.PAYMENT;
import static io.sagaflow.topology.SagaDriver.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sagaflow.contract.DeadLetter;
import io.sagaflow.contract.StepOutcome;
import io.sagaflow.contract.StepReply;
import io.sagaflow.examples.order.InventoryReserved;
import io.sagaflow.examples.order.OrderFulfilmentSaga;
import io.sagaflow.serde.InMemorySchemaRegistry;
import io.sagaflow.serde.SagaHeaders;
import io.sagaflow.testkit.internals.ContractRecords;
import io.sagaflow.topology.SagaDriver.Command;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Inputs on a partition that does not own their saga id, as a producer with another partitioner
 * than Kafka's default writes them. The driver has one partition per topic, partition 0, and the
 * processor is told the topics have four: a saga id that partition 0 owns is in place, any other is
 * misplaced. A moved input comes back on partition 0 in the driver too (the real move is in
 * saga-app's PartitionerIT), which shows the loop guard.
 */
class PartitionMoverTest {
  private static final int PARTITIONS = 4;

  private final SagaDriver saga = SagaDriver.withInputPartitions(PARTITIONS);

  @AfterEach
  void close() {
    saga.close();
  }

  @Test
  void shouldProcessAnInputOnThePartitionThatOwnsItsSagaId() {
    String sagaId = ownedBy(0, "here-");

    saga.start(sagaId);

    assertThat(saga.status(sagaId)).isEqualTo("RUNNING");
    assertThat(saga.onlyCommand(INVENTORY).sagaId()).isEqualTo(sagaId);
    assertThat(saga.written(SagaTopics.REQUESTS)).isEmpty();
    assertThat(saga.counters.total(SagaMetric.INPUT_MOVED)).isZero();
  }

  @Test
  void shouldMoveAStartToTheOwningPartitionWithItsBytesAndHeaders() {
    // Given a start whose saga id partition 2 owns, produced to partition 0
    String sagaId = ownedBy(2, "there-");
    RecordHeaders headers = new RecordHeaders();
    headers.add("x-producer", "kcat".getBytes(StandardCharsets.UTF_8));
    headers.add(
        SagaHeaders.TRACEPARENT,
        "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01".getBytes(StandardCharsets.UTF_8));
    var start =
        ContractRecords.startSaga(
            OrderFulfilmentSaga.TYPE,
            Optional.empty(),
            saga.data.encode(SagaDriver.order("o-moved")),
            saga.now());

    saga.pipeRequest(sagaId, start, headers);

    // Then it is written back to saga.requests unchanged, marked with where it was read
    List<TestRecord<byte[], byte[]>> moved = saga.written(SagaTopics.REQUESTS);
    assertThat(moved).hasSize(1);
    assertThat(new String(moved.get(0).key(), StandardCharsets.UTF_8)).isEqualTo(sagaId);
    assertThat(moved.get(0).value()).isEqualTo(saga.serialize(SagaTopics.REQUESTS, start));
    assertThat(header(moved.get(0), "x-producer")).isEqualTo("kcat");
    assertThat(header(moved.get(0), SagaHeaders.TRACEPARENT)).startsWith("00-0af76519");
    assertThat(header(moved.get(0), SagaHeaders.SAGA_MOVED_FROM)).isEqualTo("0");
    assertThat(saga.counters.get("input.moved.saga.requests")).isEqualTo(1);
    // and it started nothing on the partition that does not own it
    assertThat(saga.commands(INVENTORY)).isEmpty();
  }

  @Test
  void shouldDeadLetterAMovedInputThatArrivesAgainWhereItsSagaIdIsNotOwned() {
    // Given a misplaced start: the driver reads the moved copy back on partition 0 again, as a
    // cluster whose topic has other partitions than the processor was told would
    String sagaId = ownedBy(3, "loop-");

    saga.start(sagaId);

    // Then the copy is dead-lettered, not moved a second time
    assertThat(saga.counters.get("input.moved.saga.requests")).isEqualTo(1);
    List<TestRecord<byte[], byte[]>> letters = saga.deadLetters();
    assertThat(letters).hasSize(1);
    DeadLetter letter = saga.decodeLetter(letters.get(0));
    assertThat(letter.getReason().name()).isEqualTo("PROCESSING_FAILED");
    assertThat(letter.getSagaId()).isEqualTo(sagaId);
    assertThat(letter.getDetail())
        .contains("Input moved from partition 0 of saga.requests arrived on partition 0")
        .contains("partition 3 of 4 does")
        .contains("re-publish this input without the saga_moved_from header");
    assertThat(saga.status(sagaId)).isEqualTo("ABSENT");
  }

  @Test
  void shouldMoveAMisplacedReply() {
    String sagaId = ownedBy(1, "reply-");
    StepReply reply =
        ContractRecords.stepReply(
            "reserve-inventory",
            1,
            java.util.UUID.randomUUID().toString(),
            StepOutcome.SUCCEEDED,
            Optional.empty(),
            Optional.empty(),
            Optional.empty());

    saga.pipeReply(sagaId, reply, subject(sagaId));
    // A participant that sets the key but no ce_subject is placed by its key alone
    saga.pipeReply(sagaId, reply, new RecordHeaders());

    List<TestRecord<byte[], byte[]>> moved = saga.written(SagaTopics.REPLIES);
    assertThat(moved).hasSize(2);
    assertThat(moved)
        .allSatisfy(r -> assertThat(header(r, SagaHeaders.SAGA_MOVED_FROM)).isEqualTo("0"));
    assertThat(header(moved.get(0), SagaHeaders.CE_SUBJECT)).isEqualTo(sagaId);
    assertThat(saga.counters.get("input.moved.saga.replies")).isEqualTo(2);
  }

  @Test
  void shouldLeaveAReplyKeyedOtherwiseToTheReplyRouter() {
    // Given a saga in place, and a reply keyed by an order id another partition owns but naming
    // the saga in ce_subject: the router re-keys it, which puts it where the saga is anyway
    String sagaId = ownedBy(0, "routed-");
    saga.start(sagaId);
    Command reserve = saga.onlyCommand(INVENTORY);
    String orderKey = ownedBy(1, "order-");

    saga.reply(
        reserve,
        StepOutcome.SUCCEEDED,
        null,
        null,
        Optional.of(new InventoryReserved("r-1")),
        orderKey,
        sagaId);

    assertThat(saga.counters.total(SagaMetric.INPUT_MOVED)).isZero();
    assertThat(saga.onlyCommand(PAYMENT).sagaId()).isEqualTo(sagaId);
  }

  @Test
  void shouldLeaveAnInputWithoutKeyToTheChecksAfterIt() {
    saga.start(null);
    saga.start(" ");

    assertThat(saga.counters.total(SagaMetric.INPUT_MOVED)).isZero();
    assertThat(saga.deadLetters())
        .extracting(l -> header(l, SagaHeaders.SAGA_DLQ_REASON))
        .containsExactly("VALIDATION_FAILED", "VALIDATION_FAILED");
  }

  @Test
  void shouldOwnKeysExactlyAsKafkasDefaultPartitionerPlacesThem() {
    IntStream.range(0, 2_000)
        .mapToObj(i -> "saga-" + i)
        .forEach(
            key -> {
              byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
              for (int partitions : new int[] {1, 3, 4, 6, 12}) {
                assertThat(OwningPartition.of(key, partitions))
                    .as("%s over %d partitions", key, partitions)
                    .isEqualTo(BuiltInPartitioner.partitionForKey(bytes, partitions));
              }
            });
    assertThatThrownBy(() -> OwningPartition.of("s", 0))
        .hasMessage("partitions must be positive, was 0");
  }

  @Test
  @SuppressWarnings("removal")
  void shouldSendAMovedInputToItsOwnerAndLeaveRecordsWithoutKeyToTheProducer() {
    var partitioner = OwningPartition.<byte[]>partitioner();
    String sagaId = ownedBy(2, "p-");

    assertThat(partitioner.partitions("t", sagaId, new byte[0], new RecordHeaders(), 4))
        .contains(Set.of(2));
    assertThat(partitioner.partitions("t", sagaId, new byte[0], 4)).contains(Set.of(2));
    assertThat(partitioner.partitions("t", null, new byte[0], new RecordHeaders(), 4)).isEmpty();
  }

  @Test
  void shouldRefuseFewerThanOnePartitionAndCheckNothingOnOne() {
    InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    SagaCounters counters = new SagaCounters();
    SagaTopology.Settings defaults = SagaTopology.Settings.of(registry, true, counters);

    assertThat(defaults.inputPartitions()).isEqualTo(1);
    assertThat(defaults.withInputPartitions(6).inputPartitions()).isEqualTo(6);
    assertThat(defaults.withInputPartitions(6).timerBudget()).isEqualTo(defaults.timerBudget());
    assertThatThrownBy(() -> defaults.withInputPartitions(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("inputPartitions must be positive");
  }

  private static RecordHeaders subject(String sagaId) {
    RecordHeaders headers = new RecordHeaders();
    headers.add(SagaHeaders.CE_SUBJECT, sagaId.getBytes(StandardCharsets.UTF_8));
    return headers;
  }

  /** The first saga id {@code prefix}N that {@code partition} of {@link #PARTITIONS} owns. */
  private static String ownedBy(int partition, String prefix) {
    return IntStream.range(0, 1_000)
        .mapToObj(i -> prefix + i)
        .filter(id -> OwningPartition.of(id, PARTITIONS) == partition)
        .findFirst()
        .orElseThrow();
  }
}
