package io.sagaflow.participant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sagaflow.contract.StepOutcome;
import io.sagaflow.contract.StepReply;
import io.sagaflow.embedded.kafka.KafkaBrokerExtension;
import io.sagaflow.embedded.kafka.TestKafka;
import io.sagaflow.engine.CommandKind;
import io.sagaflow.examples.order.InventoryReserved;
import io.sagaflow.examples.order.OrderLine;
import io.sagaflow.examples.order.ReleaseInventory;
import io.sagaflow.examples.order.ReserveInventory;
import io.sagaflow.participant.KitCluster.Command;
import io.sagaflow.participant.KitCluster.Received;
import io.sagaflow.serde.SagaHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The kit against a real broker and registry, with the orchestrator's side played by hand. */
@ExtendWith(KafkaBrokerExtension.class)
class ParticipantIT {
  private static final Duration WAIT = Duration.ofSeconds(60);

  private KitCluster cluster;
  private final AtomicInteger reservations = new AtomicInteger();
  private final AtomicInteger releases = new AtomicInteger();

  @BeforeEach
  void start(TestKafka kafka) {
    cluster = KitCluster.start(kafka);
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  private Participant.Builder inventory(String group) {
    return cluster
        .participant(group)
        .onAction(
            ReserveInventory.class,
            (command, context) -> {
              reservations.incrementAndGet();
              return command.getLines().isEmpty()
                  ? Reply.businessFailure("NOTHING_TO_RESERVE", "order has no lines")
                  : Reply.success(new InventoryReserved("res-" + context.commandId()));
            })
        .onCompensation(
            ReleaseInventory.class,
            (command, context) -> {
              releases.incrementAndGet();
              return Reply.success();
            });
  }

  private static ReserveInventory reserve(String orderId) {
    return new ReserveInventory(orderId, List.of(new OrderLine("sku-1", 2)));
  }

  @Test
  void shouldApplyARedeliveredCommandOnceAndAnswerWithEveryHeader() {
    try (Participant participant = inventory(cluster.kafka.uniqueName("group")).start()) {
      // Given a command, written twice with the same command id (a redelivery)
      Command command = cluster.command("order-1", "reserve-inventory", 1, CommandKind.ACTION);
      cluster.send(command, reserve("order-1"));
      cluster.send(command, reserve("order-1"));

      // When the participant has answered both
      await().atMost(WAIT).until(() -> cluster.replies().size() == 2);

      // Then the handler ran once, and the redelivery got the same reply again
      assertThat(reservations).hasValue(1);
      assertThat(participant.stats()).isEqualTo(new ParticipantStats(1, 1, 0, 0));
      List<Received> replies = cluster.replies();
      assertThat(replies.get(1).reply()).isEqualTo(replies.get(0).reply());
      // And a reply carries every field the processor reads, keyed by the saga id
      Received reply = replies.get(0);
      assertThat(reply.key()).isEqualTo("order-1");
      StepReply value = reply.reply();
      assertThat(value.getStep()).isEqualTo("reserve-inventory");
      assertThat(value.getAttempt()).isEqualTo(1);
      assertThat(value.getCommandId()).isEqualTo(command.commandId().toString());
      assertThat(value.getOutcome()).isEqualTo(StepOutcome.SUCCEEDED);
      assertThat(value.getErrorCode()).isNull();
      assertThat(cluster.result(value))
          .isEqualTo(new InventoryReserved("res-" + command.commandId()));
      // And every header a reader relies on
      assertThat(reply.header(SagaHeaders.CE_SUBJECT)).isEqualTo("order-1");
      assertThat(reply.header(SagaHeaders.CE_SPECVERSION)).isEqualTo("1.0");
      assertThat(reply.header(SagaHeaders.CE_TYPE)).isEqualTo("io.sagaflow.contract.StepReply");
      assertThat(reply.header(SagaHeaders.CE_SOURCE)).isEqualTo("inventory");
      assertThat(reply.header(SagaHeaders.CE_ID))
          .isEqualTo(replies.get(1).header(SagaHeaders.CE_ID))
          .isNotEqualTo(command.commandId().toString());
      assertThat(reply.header(SagaHeaders.CE_TIME)).isNotBlank();
      assertThat(reply.header(SagaHeaders.SAGA_STEP)).isEqualTo("reserve-inventory");
      assertThat(reply.header(SagaHeaders.SAGA_ATTEMPT)).isEqualTo("1");
      assertThat(reply.header(SagaHeaders.SAGA_KIND)).isEqualTo("ACTION");
      assertThat(reply.header(SagaHeaders.TRACEPARENT)).isEqualTo(command.traceparent());
    }
  }

  @Test
  void shouldApplyACommandOnceWhenARestartedConsumerReadsItAgain() {
    // Given a ledger that outlives the consumer (a database's, in a real service)
    CommandLedger ledger = new InMemoryCommandLedger(100);
    Command command = cluster.command("order-2", "reserve-inventory", 1, CommandKind.ACTION);
    cluster.send(command, reserve("order-2"));
    try (Participant first = inventory(cluster.kafka.uniqueName("group")).ledger(ledger).start()) {
      await().atMost(WAIT).until(() -> cluster.replies().size() == 1);
    }

    // When a consumer with no committed offset reads the command topic from the start
    try (Participant restarted =
        inventory(cluster.kafka.uniqueName("group")).ledger(ledger).start()) {
      await().atMost(WAIT).until(() -> cluster.replies().size() == 2);

      // Then the command was applied once, and answered again from the ledger
      assertThat(reservations).hasValue(1);
      assertThat(restarted.stats().answeredFromLedger()).isEqualTo(1);
      List<Received> replies = cluster.replies();
      assertThat(replies.get(1).reply()).isEqualTo(replies.get(0).reply());
    }
  }

  @Test
  void shouldDeadLetterWhatItCannotReadAndServeTheNextCommand() {
    try (Participant participant = inventory(cluster.kafka.uniqueName("group")).start()) {
      // Given bytes that are no command, a command without its ce_id, and a type it does not serve
      Command garbage = cluster.command("order-3", "reserve-inventory", 1, CommandKind.ACTION);
      byte[] junk = "not avro".getBytes(StandardCharsets.UTF_8);
      cluster.sendRaw(
          "order-3".getBytes(StandardCharsets.UTF_8), junk, garbage.headers(cluster.replies));
      RecordHeaders noId = new RecordHeaders();
      garbage.headers(cluster.replies).forEach(h -> noId.add(h));
      noId.remove(SagaHeaders.CE_ID);
      cluster.sendRaw(
          "order-4".getBytes(StandardCharsets.UTF_8), cluster.encode(reserve("order-4")), noId);
      Command shipment = cluster.command("order-5", "book-shipment", 1, CommandKind.ACTION);
      cluster.send(shipment, new InventoryReserved("not a command of this participant"));
      // And, after them, a good command
      Command good = cluster.command("order-6", "reserve-inventory", 1, CommandKind.ACTION);
      cluster.send(good, reserve("order-6"));

      // When the participant gets to the good command
      await().atMost(WAIT).until(() -> cluster.replies().size() == 1);

      // Then it answered it and is still running
      assertThat(cluster.replies().get(0).reply().getCommandId())
          .isEqualTo(good.commandId().toString());
      assertThat(participant.health().state()).isEqualTo(Health.State.RUNNING);
      // And each poison record is on the dead-letter topic, as it came, with its reason
      List<ConsumerRecord<byte[], byte[]>> letters = cluster.readAll(cluster.deadLetters);
      assertThat(letters).hasSize(3);
      assertThat(participant.stats().deadLettered()).isEqualTo(3);
      ConsumerRecord<byte[], byte[]> unreadable = find(letters, "order-3");
      assertThat(unreadable.value()).isEqualTo(junk);
      assertThat(KitCluster.header(unreadable.headers(), SagaHeaders.SAGA_DLQ_REASON))
          .isEqualTo("DESERIALIZATION_FAILED");
      assertThat(KitCluster.header(unreadable.headers(), SagaHeaders.CE_ID))
          .isEqualTo(garbage.commandId().toString());
      assertThat(KitCluster.header(unreadable.headers(), SagaHeaders.SAGA_DLQ_SOURCE_TOPIC))
          .isEqualTo(cluster.commands);
      ConsumerRecord<byte[], byte[]> missing = find(letters, "order-4");
      assertThat(KitCluster.header(missing.headers(), SagaHeaders.SAGA_DLQ_REASON))
          .isEqualTo("VALIDATION_FAILED");
      assertThat(KitCluster.header(missing.headers(), SagaHeaders.SAGA_DLQ_DETAIL))
          .isEqualTo("command has no ce_id header");
      ConsumerRecord<byte[], byte[]> foreign = find(letters, "order-5");
      assertThat(KitCluster.header(foreign.headers(), SagaHeaders.SAGA_DLQ_DETAIL))
          .startsWith(
              "no handler for a ACTION of type io.sagaflow.examples.order.InventoryReserved");
      assertThat(reservations).hasValue(1);
    }
  }

  @Test
  void shouldAnswerFailuresAndCompensations() {
    try (Participant participant = inventory(cluster.kafka.uniqueName("group")).start()) {
      // Given an action it refuses and a compensation
      Command refused = cluster.command("order-7", "reserve-inventory", 1, CommandKind.ACTION);
      cluster.send(refused, new ReserveInventory("order-7", List.of()));
      Command release =
          cluster.command("order-8", "reserve-inventory", 1, CommandKind.COMPENSATION);
      cluster.send(release, new ReleaseInventory("order-8", "res-1"));

      // When both are answered
      await().atMost(WAIT).until(() -> cluster.replies().size() == 2);

      // Then the refusal is a business failure and the release a success without a result
      StepReply first = cluster.replies().get(0).reply();
      StepReply second = cluster.replies().get(1).reply();
      StepReply refusal =
          first.getCommandId().equals(refused.commandId().toString()) ? first : second;
      StepReply released = refusal.equals(first) ? second : first;
      assertThat(refusal.getOutcome()).isEqualTo(StepOutcome.BUSINESS_FAILURE);
      assertThat(refusal.getErrorCode()).isEqualTo("NOTHING_TO_RESERVE");
      assertThat(refusal.getErrorMessage()).isEqualTo("order has no lines");
      assertThat(released.getOutcome()).isEqualTo(StepOutcome.SUCCEEDED);
      assertThat(released.getStepResult()).isNull();
      assertThat(releases).hasValue(1);
    }
  }

  @Test
  void shouldAnswerAHandlerExceptionAsRetriableWithoutItsMessage() {
    try (Participant participant =
        cluster
            .participant(cluster.kafka.uniqueName("group"))
            .onAction(
                ReserveInventory.class,
                (command, context) -> {
                  throw new IllegalStateException(
                      "stock database down for " + command.getOrderId());
                })
            .start()) {
      Command command = cluster.command("order-9", "reserve-inventory", 2, CommandKind.ACTION);
      cluster.send(command, reserve("order-9"));

      await().atMost(WAIT).until(() -> cluster.replies().size() == 1);

      StepReply reply = cluster.replies().get(0).reply();
      assertThat(reply.getOutcome()).isEqualTo(StepOutcome.RETRIABLE_FAILURE);
      assertThat(reply.getAttempt()).isEqualTo(2);
      assertThat(reply.getErrorCode()).isEqualTo(Participant.HANDLER_FAILED_CODE);
      assertThat(reply.getErrorMessage())
          .contains("java.lang.IllegalStateException")
          .doesNotContain("order-9");
      assertThat(participant.stats().handlerFailures()).isEqualTo(1);
      assertThat(participant.health().state()).isEqualTo(Health.State.RUNNING);
    }
  }

  @Test
  void shouldCarryOnWhenTheGroupRefusesItsOffsets() {
    // Given a participant whose first batch outlasts max.poll.interval.ms, so the group drops it
    // and refuses that batch's offsets
    AtomicInteger calls = new AtomicInteger();
    try (Participant participant =
        cluster
            .participant(cluster.kafka.uniqueName("group"))
            .consumerProperty("max.poll.interval.ms", 1000)
            .onAction(
                ReserveInventory.class,
                (command, context) -> {
                  if (calls.incrementAndGet() == 1) {
                    TimeUnit.MILLISECONDS.sleep(2500);
                  }
                  return Reply.success(new InventoryReserved("res-" + context.commandId()));
                })
            .start()) {
      List<Command> commands = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        Command command =
            cluster.command("order-slow-" + i, "reserve-inventory", 1, CommandKind.ACTION);
        cluster.send(command, reserve("order-slow-" + i));
        commands.add(command);
      }

      // When it has read the batch again after rejoining
      await()
          .atMost(WAIT)
          .until(
              () ->
                  participant.stats().answeredFromLedger() > 0
                      || !participant.health().isRunning());

      // Then it still runs, each command was applied once, and each has its reply
      assertThat(participant.health().state()).isEqualTo(Health.State.RUNNING);
      assertThat(calls).hasValue(commands.size());
      await()
          .atMost(WAIT)
          .untilAsserted(
              () ->
                  assertThat(
                          cluster.replies().stream()
                              .map(r -> r.reply().getCommandId())
                              .distinct()
                              .count())
                      .isEqualTo(commands.size()));
    }
  }

  @Test
  void shouldReportStoppedOnceClosed() {
    Participant participant = inventory(cluster.kafka.uniqueName("group")).start();
    assertThat(participant.health().state()).isEqualTo(Health.State.RUNNING);

    participant.close();

    assertThat(participant.health()).isEqualTo(Health.stopped());
  }

  @Test
  void shouldReportFailedWithTheCauseWhenItsLoopDies() throws InterruptedException {
    // Given a handler that throws an Error, which the kit does not answer for
    Participant participant =
        cluster
            .participant(cluster.kafka.uniqueName("group"))
            .onAction(
                ReserveInventory.class,
                (command, context) -> {
                  throw new AssertionError("handler bug");
                })
            .start();
    try {
      // When a command reaches it
      cluster.send(
          cluster.command("order-10", "reserve-inventory", 1, CommandKind.ACTION),
          reserve("order-10"));

      // Then its loop ends, and health says so with the cause
      assertThat(participant.awaitTermination(WAIT)).isTrue();
      Health health = participant.health();
      assertThat(health.state()).isEqualTo(Health.State.FAILED);
      assertThat(health.cause()).get().isInstanceOf(AssertionError.class);
      assertThat(cluster.replies()).isEmpty();
    } finally {
      participant.close();
    }
    // And closing a dead participant leaves it FAILED
    assertThat(participant.health().state()).isEqualTo(Health.State.FAILED);
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void shouldEndItsLoopOnAReplyTheBrokerCanNeverTake(boolean transactional)
      throws InterruptedException {
    // Given a producer whose requests cannot hold a reply (a limit set below the reply's size)
    Participant.Builder builder =
        inventory(cluster.kafka.uniqueName("group")).producerProperty("max.request.size", 100);
    if (transactional) {
      builder.transactional(cluster.kafka.uniqueName("inventory-tx"));
    }
    Participant participant = builder.start();
    try {
      // When a command's reply is to be written
      cluster.send(
          cluster.command("order-11", "reserve-inventory", 1, CommandKind.ACTION),
          reserve("order-11"));

      // Then the loop ends naming the cause, rather than handling the batch again and again
      assertThat(participant.awaitTermination(WAIT)).isTrue();
      Health health = participant.health();
      assertThat(health.state()).isEqualTo(Health.State.FAILED);
      assertThat(health.cause().orElseThrow())
          .hasMessageContaining("could not write a reply or dead letter")
          .hasCauseInstanceOf(RecordTooLargeException.class);
      assertThat(reservations.get()).isEqualTo(1);
    } finally {
      participant.close();
    }
  }

  @Test
  void shouldFailAtStartWithoutItsDeadLetterTopic() throws InterruptedException {
    Participant participant =
        inventory(cluster.kafka.uniqueName("group"))
            .deadLetterTopic(cluster.kafka.uniqueName("missing.dlq"))
            .start();
    try {
      assertThat(participant.awaitTermination(WAIT)).isTrue();
      assertThat(participant.health().cause())
          .get()
          .extracting(Throwable::getMessage)
          .asString()
          .contains("has no dead-letter topic: create missing.dlq");
    } finally {
      participant.close();
    }
  }

  private static ConsumerRecord<byte[], byte[]> find(
      List<ConsumerRecord<byte[], byte[]>> records, String key) {
    return records.stream()
        .filter(r -> new String(r.key(), StandardCharsets.UTF_8).equals(key))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no dead letter keyed " + key));
  }
}
