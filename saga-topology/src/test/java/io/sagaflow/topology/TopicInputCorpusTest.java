package io.sagaflow.topology;

import static io.sagaflow.examples.order.OrderFulfilmentSaga.INVENTORY;
import static io.sagaflow.examples.order.OrderFulfilmentSaga.PAYMENT;
import static io.sagaflow.topology.SagaDriver.header;
import static org.assertj.core.api.Assertions.assertThat;

import io.sagaflow.contract.CancelSaga;
import io.sagaflow.contract.OperatorAction;
import io.sagaflow.contract.OperatorCommand;
import io.sagaflow.contract.StepOutcome;
import io.sagaflow.contract.StepReply;
import io.sagaflow.examples.order.InventoryReserved;
import io.sagaflow.examples.order.OrderFulfilmentSaga;
import io.sagaflow.serde.SagaHeaders;
import io.sagaflow.testkit.internals.ContractRecords;
import io.sagaflow.topology.SagaDriver.Command;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bad-input corpus of the processor's input topics, one row per kind: what a producer or
 * participant can get wrong, and what the processor does about it. Every row also checks that
 * nothing already accepted is lost (the saga that was waiting still waits and still moves on its
 * real reply) and that the processor keeps going (a new saga after the bad input starts).
 *
 * <p>The HTTP kinds are in interactive-query-api's BadInputServerTest, the configuration kinds in
 * saga-app's ConfigLoaderTest; docs/reliability.md counts them all.
 */
class TopicInputCorpusTest {
  private static final String VICTIM = "victim";

  /** A saga waiting for its inventory reply, the driver around it, and its pending command. */
  record Scene(SagaDriver saga, Command reserve) {
    StepReply.Builder replyTo() {
      return StepReply.newBuilder()
          .setStep(reserve.step())
          .setAttempt(reserve.attempt())
          .setCommandId(reserve.commandId())
          .setOutcome(StepOutcome.SUCCEEDED)
          .setStepResult(ByteBuffer.wrap(saga.data.encode(new InventoryReserved("r-victim"))));
    }

    byte[] key(String sagaId) {
      return sagaId == null ? null : sagaId.getBytes(StandardCharsets.UTF_8);
    }
  }

  /** What the processor must do with a bad input. */
  sealed interface Outcome {}

  /** A dead letter with this reason, whose detail contains this text. */
  record DeadLettered(String reason, String detailPart) implements Outcome {}

  /** Counted under {@code counter}, nothing dead-lettered, nothing emitted. */
  record Ignored(String counter) implements Outcome {}

  /** Applied to the saga it belongs to: the waiting saga moves on at once. */
  record Applied() implements Outcome {}

  static Stream<Arguments> corpus() {
    return Stream.of(
        kind(
            "requests: random bytes",
            s -> s.saga().pipeRawRequest(s.key("r1"), random(64)),
            new DeadLettered("DESERIALIZATION_FAILED", "")),
        kind(
            "requests: magic byte and an unknown schema id",
            s -> s.saga().pipeRawRequest(s.key("r2"), new byte[] {0, 0, 0, 0x7f, 0x7f, 2, 'x'}),
            new DeadLettered("DESERIALIZATION_FAILED", "")),
        kind(
            "requests: truncated Avro",
            s -> {
              byte[] whole =
                  s.saga()
                      .serialize(
                          SagaTopics.REQUESTS,
                          ContractRecords.startSaga(
                              OrderFulfilmentSaga.TYPE,
                              Optional.empty(),
                              s.saga().data.encode(SagaDriver.order("o-r3")),
                              s.saga().now()));
              s.saga().pipeRawRequest(s.key("r3"), Arrays.copyOf(whole, whole.length / 2));
            },
            new DeadLettered("DESERIALIZATION_FAILED", "")),
        kind(
            "requests: empty value",
            s -> s.saga().pipeRawRequest(s.key("r4"), new byte[0]),
            new DeadLettered("DESERIALIZATION_FAILED", "")),
        kind(
            "requests: tombstone",
            s -> s.saga().pipeRawRequest(s.key("r5"), null),
            new DeadLettered("VALIDATION_FAILED", "tombstone")),
        kind(
            "requests: value bigger than a dead letter may carry",
            s -> {
              byte[] big = random(DeadLetters.MAX_ORIGINAL_BYTES + 1);
              big[0] = 0;
              s.saga().pipeRawRequest(s.key("r6"), big);
            },
            new DeadLettered("DESERIALIZATION_FAILED", "are not in this dead letter")),
        kind(
            "requests: start without a key",
            s -> s.saga().start(null),
            new DeadLettered("VALIDATION_FAILED", "Inputs must be keyed by saga id")),
        kind(
            "requests: start with a blank key",
            s -> s.saga().start(" "),
            new DeadLettered("VALIDATION_FAILED", "Inputs must be keyed by saga id")),
        kind(
            "requests: a reply, a valid record of the wrong type",
            s -> s.saga().pipeRequest(VICTIM, s.replyTo().build(), new RecordHeaders()),
            new DeadLettered("VALIDATION_FAILED", "not StepReply")),
        kind(
            "requests: a step result record",
            s -> s.saga().pipeRequest(VICTIM, new InventoryReserved("r-9"), new RecordHeaders()),
            new DeadLettered("VALIDATION_FAILED", "not InventoryReserved")),
        kind(
            "requests: start of an unknown type",
            s ->
                s.saga()
                    .start(
                        "r11",
                        "no-such-saga",
                        Optional.empty(),
                        SagaDriver.order("o"),
                        Optional.empty()),
            new DeadLettered("VALIDATION_FAILED", "No saga type 'no-such-saga'")),
        kind(
            "requests: start of an unregistered version",
            s ->
                s.saga()
                    .start(
                        "r12",
                        OrderFulfilmentSaga.TYPE,
                        Optional.of(9),
                        SagaDriver.order("o"),
                        Optional.empty()),
            new DeadLettered("VALIDATION_FAILED", "registered versions of it: [1]")),
        kind(
            "requests: start whose data is of another type",
            s ->
                s.saga()
                    .start(
                        "r13",
                        OrderFulfilmentSaga.TYPE,
                        Optional.empty(),
                        new InventoryReserved("r"),
                        Optional.empty()),
            new DeadLettered("VALIDATION_FAILED", "carries data that is not a readable")),
        kind(
            "requests: duplicate start",
            s -> s.saga().start(VICTIM),
            new Ignored("input.DUPLICATE")),
        kind(
            "requests: cancel of an unknown saga",
            s -> s.saga().pipeRequest("r15", new CancelSaga("why"), new RecordHeaders()),
            new DeadLettered("UNKNOWN_SAGA", "")),
        kind(
            "requests: operator command for an unknown saga",
            s ->
                s.saga()
                    .pipeRequest(
                        "r16",
                        new OperatorCommand(OperatorAction.RETRY_STEP, "x", "ops", "why"),
                        new RecordHeaders()),
            new DeadLettered("UNKNOWN_SAGA", "")),
        kind(
            "replies: random bytes",
            s -> s.saga().pipeRawReply(s.key(VICTIM), random(64), new RecordHeaders()),
            new DeadLettered("DESERIALIZATION_FAILED", "")),
        kind(
            "replies: tombstone",
            s -> s.saga().pipeRawReply(s.key(VICTIM), null, new RecordHeaders()),
            new DeadLettered("VALIDATION_FAILED", "tombstone")),
        kind(
            "replies: a start, a valid record of the wrong type",
            s ->
                s.saga()
                    .pipeRawReply(
                        s.key(VICTIM),
                        s.saga()
                            .serialize(
                                SagaTopics.REPLIES,
                                ContractRecords.startSaga(
                                    OrderFulfilmentSaga.TYPE,
                                    Optional.empty(),
                                    s.saga().data.encode(SagaDriver.order("o")),
                                    s.saga().now())),
                        new RecordHeaders()),
            new DeadLettered(
                "DESERIALIZATION_FAILED", "Found io.sagaflow.contract.StartSaga, expecting")),
        kind(
            "replies: neither key nor ce_subject",
            s -> s.saga().pipeReply(null, s.replyTo().build(), new RecordHeaders()),
            new DeadLettered("VALIDATION_FAILED", "this one has neither")),
        kind(
            "replies: key other than the ce_subject saga id (subject wins)",
            s -> s.saga().pipeReply("order-42", s.replyTo().build(), subject(VICTIM)),
            new Applied()),
        kind(
            "replies: for an unknown saga",
            s -> s.saga().pipeReply("ghost", s.replyTo().build(), subject("ghost")),
            new DeadLettered("UNKNOWN_SAGA", "")),
        kind(
            "replies: command id that is not a UUID",
            s ->
                s.saga()
                    .pipeReply(VICTIM, s.replyTo().setCommandId("c-1").build(), subject(VICTIM)),
            new DeadLettered("VALIDATION_FAILED", "which is not a UUID")),
        kind(
            "replies: command id of no command of the step",
            s ->
                s.saga()
                    .pipeReply(
                        VICTIM,
                        s.replyTo().setCommandId(java.util.UUID.randomUUID().toString()).build(),
                        subject(VICTIM)),
            new DeadLettered("VALIDATION_FAILED", "is not a command of this step")),
        kind(
            "replies: unknown step",
            s ->
                s.saga()
                    .pipeReply(VICTIM, s.replyTo().setStep("teleport").build(), subject(VICTIM)),
            new DeadLettered("UNKNOWN_STEP", "teleport")),
        kind(
            "replies: outcome this version does not know",
            s ->
                s.saga()
                    .pipeReply(
                        VICTIM,
                        s.replyTo().setOutcome(StepOutcome.UNKNOWN).build(),
                        subject(VICTIM)),
            new DeadLettered("VALIDATION_FAILED", "has an outcome this version does not know")),
        kind(
            "replies: step result that cannot be decoded",
            s ->
                s.saga()
                    .pipeReply(
                        VICTIM,
                        s.replyTo()
                            .setStepResult(ByteBuffer.wrap(new byte[] {0, 0, 0, 0, 99, 2, 'x'}))
                            .build(),
                        subject(VICTIM)),
            new DeadLettered("VALIDATION_FAILED", "has a stepResult that cannot be decoded")),
        kind(
            "replies: for an attempt never sent",
            s -> s.saga().pipeReply(VICTIM, s.replyTo().setAttempt(7).build(), subject(VICTIM)),
            new DeadLettered("VALIDATION_FAILED", "")),
        kind(
            "replies: missing correlation headers (key alone routes it)",
            s -> s.saga().pipeReply(VICTIM, s.replyTo().build(), new RecordHeaders()),
            new Applied()));
  }

  private static Arguments kind(String name, Consumer<Scene> input, Outcome outcome) {
    return Arguments.of(name, input, outcome);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void shouldDealWithEveryBadInputAndLoseNothing(
      String kind, Consumer<Scene> input, Outcome outcome) {
    try (SagaDriver saga = new SagaDriver()) {
      // Given a saga waiting for its inventory reply
      saga.start(VICTIM);
      Scene scene = new Scene(saga, saga.onlyCommand(INVENTORY));

      // When the bad input arrives
      input.accept(scene);

      // Then it meets its outcome
      List<TestRecord<byte[], byte[]>> letters = saga.deadLetters();
      if (outcome instanceof DeadLettered d) {
        assertThat(letters).as(kind).hasSize(1);
        assertThat(header(letters.get(0), SagaHeaders.SAGA_DLQ_REASON)).isEqualTo(d.reason());
        assertThat(header(letters.get(0), SagaHeaders.SAGA_DLQ_DETAIL)).contains(d.detailPart());
        assertThat(saga.commands(PAYMENT)).isEmpty();
      } else if (outcome instanceof Ignored i) {
        assertThat(letters).as(kind).isEmpty();
        assertThat(saga.counters.get(i.counter())).isEqualTo(1);
        assertThat(saga.commands(INVENTORY)).isEmpty();
        assertThat(saga.commands(PAYMENT)).isEmpty();
      } else {
        assertThat(letters).as(kind).isEmpty();
        assertThat(saga.onlyCommand(PAYMENT).sagaId()).isEqualTo(VICTIM);
      }

      // And nothing already accepted is lost: the waiting saga moves on its real reply
      if (!(outcome instanceof Applied)) {
        assertThat(saga.status(VICTIM)).isEqualTo("RUNNING");
        saga.succeed(scene.reserve(), new InventoryReserved("r-victim"));
        assertThat(saga.onlyCommand(PAYMENT).sagaId()).isEqualTo(VICTIM);
      }

      // And the processor keeps going
      saga.start("after");
      assertThat(saga.onlyCommand(INVENTORY).sagaId()).isEqualTo("after");
      saga.tick(Duration.ofMillis(1));
    }
  }

  @org.junit.jupiter.api.Test
  void repliesDuplicateIsCountedAndAppliedOnce() {
    try (SagaDriver saga = new SagaDriver()) {
      saga.start(VICTIM);
      Command reserve = saga.onlyCommand(INVENTORY);
      saga.succeed(reserve, new InventoryReserved("r"));
      saga.onlyCommand(PAYMENT);

      saga.succeed(reserve, new InventoryReserved("r"));

      assertThat(saga.counters.get("input.DUPLICATE")).isEqualTo(1);
      assertThat(saga.commands(PAYMENT)).isEmpty();
      assertThat(saga.deadLetters()).isEmpty();
    }
  }

  @org.junit.jupiter.api.Test
  void repliesReorderedLateReplyOfAnEarlierAttemptIsCountedAndIgnored() {
    try (SagaDriver saga = new SagaDriver()) {
      saga.start(VICTIM);
      Command first = saga.onlyCommand(INVENTORY);
      saga.failRetriably(first, "BUSY");
      saga.tick(Duration.ofSeconds(1));
      Command second = saga.onlyCommand(INVENTORY);
      saga.succeed(second, new InventoryReserved("r2"));
      saga.onlyCommand(PAYMENT);

      // A success for attempt 1 arriving after attempt 2's
      saga.succeed(first, new InventoryReserved("r1"));

      assertThat(saga.counters.get("input.STALE_ATTEMPT") + saga.counters.get("input.DUPLICATE"))
          .isEqualTo(1);
      assertThat(saga.commands(PAYMENT)).isEmpty();
      assertThat(saga.deadLetters()).isEmpty();
    }
  }

  @org.junit.jupiter.api.Test
  void repliesRedeliveredAfterTheEndAreCountedNotDeadLettered() {
    try (SagaDriver saga = new SagaDriver()) {
      saga.start(VICTIM);
      Command reserve = saga.onlyCommand(INVENTORY);
      saga.failBusiness(reserve, "OUT_OF_STOCK");
      assertThat(saga.status(VICTIM)).isEqualTo("COMPENSATED");

      // A participant restarted before committing its offsets answers the same command again
      saga.failBusiness(reserve, "OUT_OF_STOCK");

      assertThat(saga.counters.get("input.DUPLICATE")).isEqualTo(1);
      assertThat(saga.deadLetters()).isEmpty();
      assertThat(saga.status(VICTIM)).isEqualTo("COMPENSATED");
    }
  }

  @org.junit.jupiter.api.Test
  void repliesAfterTheEndAreDeadLettered() {
    try (SagaDriver saga = new SagaDriver()) {
      saga.start(VICTIM);
      Command reserve = saga.onlyCommand(INVENTORY);
      saga.failBusiness(reserve, "OUT_OF_STOCK");
      assertThat(saga.status(VICTIM)).isEqualTo("COMPENSATED");

      saga.succeed(reserve, new InventoryReserved("late"));

      List<TestRecord<byte[], byte[]>> letters = saga.deadLetters();
      assertThat(letters).hasSize(1);
      assertThat(header(letters.get(0), SagaHeaders.SAGA_DLQ_REASON)).isEqualTo("AFTER_END");
      assertThat(saga.status(VICTIM)).isEqualTo("COMPENSATED");
    }
  }

  private static byte[] random(int size) {
    byte[] bytes = new byte[size];
    new SplittableRandom(size).nextBytes(bytes);
    // A first byte other than 0 is not the wire format's magic byte.
    bytes[0] = 7;
    return bytes;
  }

  private static RecordHeaders subject(String sagaId) {
    RecordHeaders headers = new RecordHeaders();
    headers.add(SagaHeaders.CE_SUBJECT, sagaId.getBytes(StandardCharsets.UTF_8));
    return headers;
  }
}
