package io.sagaflow.participant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sagaflow.embedded.kafka.EmbeddedKafkaBroker;
import io.sagaflow.embedded.kafka.TestKafka;
import io.sagaflow.engine.CommandKind;
import io.sagaflow.examples.order.InventoryReserved;
import io.sagaflow.examples.order.OrderLine;
import io.sagaflow.examples.order.ReserveInventory;
import io.sagaflow.participant.HoldingInterceptor.Hold;
import io.sagaflow.participant.KitCluster.Received;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TransactionState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker going away in the middle of a batch, with the batch's replies half sent: the
 * participant must carry on once the broker is back, in either mode, and a transactional one must
 * still answer each command exactly once. The broker is this class's own, so it can be stopped and
 * started again on the same port and data.
 */
class BrokerRestartIT {
  private static final int COMMANDS = 40;
  private static final int BATCH = 10;

  /** The fifth reply of the second batch: the first batch is committed, the second is open. */
  private static final int HELD_SEND = BATCH + 5;

  private static final Duration WAIT = Duration.ofMinutes(2);

  @TempDir static Path dataDir;
  private static EmbeddedKafkaBroker broker;

  @BeforeAll
  static void startBroker() {
    broker =
        EmbeddedKafkaBroker.builder()
            .dataDir(dataDir)
            // The coordinator looks for transactions past their timeout every half second.
            .serverProperty("transaction.abort.timed.out.transaction.cleanup.interval.ms", "500")
            .build()
            .start();
  }

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  @AfterEach
  void releaseHold() {
    Hold hold = HoldingInterceptor.HOLD.getAndSet(null);
    if (hold != null) {
      hold.released.countDown();
    }
  }

  @Test
  void shouldAnswerEachCommandOnceWhenTheBrokerRestartsDuringATransaction() throws Exception {
    // When the broker restarts, and comes back after the transaction's timeout
    exactlyOnceThrough(
        (kafka, transactionalId) -> {
          broker.close();
          broker.start();
          awaitTransaction(kafka, transactionalId, TransactionState.COMPLETE_ABORT);
        });
  }

  @Test
  void shouldAnswerEachCommandOnceWhenTheCoordinatorAbortsATransactionThatOutlivedItsTimeout()
      throws Exception {
    // When it outlives its timeout (a stalled participant, say) and the coordinator aborts it
    exactlyOnceThrough(
        (kafka, transactionalId) ->
            awaitTransaction(kafka, transactionalId, TransactionState.COMPLETE_ABORT));
  }

  /** What befalls a batch's transaction while the participant is held inside it. */
  @FunctionalInterface
  private interface Mishap {
    void happen(TestKafka kafka, String transactionalId) throws Exception;
  }

  /**
   * Holds a transactional participant with a batch's transaction open on the coordinator, half its
   * replies sent, lets {@code mishap} happen, and checks that the participant keeps serving and
   * answers every command exactly once.
   */
  private static void exactlyOnceThrough(Mishap mishap) throws Exception {
    TestKafka kafka = TestKafka.on(broker);
    try (KitCluster cluster = KitCluster.start(kafka)) {
      String transactionalId = kafka.uniqueName("inventory-tx");
      Hold hold = sendCommandsAndHold(cluster);
      String group = kafka.uniqueName("inventory");
      try (Participant participant =
          participant(cluster, group)
              .transactional(transactionalId)
              .producerProperty("transaction.timeout.ms", 2000)
              .start()) {
        // Given a batch's transaction open on the coordinator, half its replies sent
        awaitHeld(hold);
        awaitTransaction(kafka, transactionalId, TransactionState.ONGOING);

        mishap.happen(kafka, transactionalId);
        hold.released.countDown();

        // Then the participant keeps serving, and every command has exactly one reply
        Map<String, Integer> replies = awaitAllAnswered(cluster, participant, group);
        assertThat(replies.values()).allMatch(n -> n == 1);
      }
    }
  }

  @Test
  void shouldKeepServingAtLeastOnceWhenTheBrokerIsAwayLongerThanTheDeliveryTimeout()
      throws Exception {
    TestKafka kafka = TestKafka.on(broker);
    try (KitCluster cluster = KitCluster.start(kafka)) {
      Hold hold = sendCommandsAndHold(cluster);
      String group = kafka.uniqueName("inventory");
      try (Participant participant =
          participant(cluster, group)
              .producerProperty("request.timeout.ms", 1000)
              .producerProperty("delivery.timeout.ms", 2000)
              .producerProperty("max.block.ms", 2000)
              .start()) {
        // Given a batch half sent
        awaitHeld(hold);

        // When the broker stops, and the batch's replies fail for want of it
        broker.close();
        hold.released.countDown();
        await().atMost(WAIT).until(() -> hold.failed.get() > 0);
        broker.start();

        // Then the participant reads the batch again and answers every command
        awaitAllAnswered(cluster, participant, group);
      }
    }
  }

  /** Writes the commands, and arms a hold at the send of {@link #HELD_SEND}. */
  private static Hold sendCommandsAndHold(KitCluster cluster) {
    for (int i = 0; i < COMMANDS; i++) {
      cluster.send(
          cluster.command("order-" + i, "reserve-inventory", 1, CommandKind.ACTION),
          new ReserveInventory("order-" + i, List.of(new OrderLine("sku", 1))));
    }
    Hold hold = new Hold(HELD_SEND);
    HoldingInterceptor.HOLD.set(hold);
    return hold;
  }

  private static Participant.Builder participant(KitCluster cluster, String group) {
    return cluster
        .participant(group)
        .consumerProperty("max.poll.records", BATCH)
        .producerProperty("interceptor.classes", HoldingInterceptor.class.getName())
        .onAction(
            ReserveInventory.class,
            (command, context) ->
                Reply.success(new InventoryReserved("res-" + context.commandId())));
  }

  private static void awaitHeld(Hold hold) throws InterruptedException {
    assertThat(hold.reached.await(WAIT.toSeconds(), TimeUnit.SECONDS))
        .as("the participant reached the held send")
        .isTrue();
  }

  private static void awaitTransaction(
      TestKafka kafka, String transactionalId, TransactionState state) {
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(100))
        .ignoreExceptions()
        .until(() -> transactionState(kafka, transactionalId) == state);
  }

  private static TransactionState transactionState(TestKafka kafka, String transactionalId)
      throws Exception {
    try (Admin admin = kafka.admin()) {
      return admin
          .describeTransactions(List.of(transactionalId))
          .description(transactionalId)
          .get(10, TimeUnit.SECONDS)
          .state();
    }
  }

  /** Waits for a committed reply to every command and the offsets past them; replies per id. */
  private static Map<String, Integer> awaitAllAnswered(
      KitCluster cluster, Participant participant, String group) {
    await()
        .atMost(WAIT)
        .until(
            () ->
                !participant.health().isRunning()
                    || (cluster.committed(group) == COMMANDS
                        && repliesPerCommand(cluster).size() == COMMANDS));
    assertThat(participant.health().state()).isEqualTo(Health.State.RUNNING);
    return repliesPerCommand(cluster);
  }

  private static Map<String, Integer> repliesPerCommand(KitCluster cluster) {
    Map<String, Integer> counts = new HashMap<>();
    for (Received reply : cluster.replies()) {
      counts.merge(reply.reply().getCommandId(), 1, Integer::sum);
    }
    return counts;
  }
}
