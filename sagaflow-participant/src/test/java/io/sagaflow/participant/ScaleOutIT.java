package io.sagaflow.participant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sagaflow.embedded.kafka.KafkaBrokerExtension;
import io.sagaflow.embedded.kafka.TestKafka;
import io.sagaflow.engine.CommandKind;
import io.sagaflow.examples.order.InventoryReserved;
import io.sagaflow.examples.order.OrderLine;
import io.sagaflow.examples.order.ReserveInventory;
import io.sagaflow.participant.KitCluster.Received;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A second instance joining the group while the first is in the middle of a batch: the rebalance
 * refuses the first one's offsets, and it must carry on rather than die.
 */
@ExtendWith(KafkaBrokerExtension.class)
class ScaleOutIT {
  private static final int COMMANDS = 200;
  private static final Duration WAIT = Duration.ofMinutes(2);

  @Test
  void shouldKeepServingAtLeastOnceWhenAnInstanceJoins(TestKafka kafka) {
    try (KitCluster cluster = KitCluster.start(kafka)) {
      Map<String, Integer> replies = scaleOut(cluster, b -> b);

      assertThat(replies).hasSize(COMMANDS);
    }
  }

  @Test
  void shouldKeepServingExactlyOnceWhenAnInstanceJoins(TestKafka kafka) {
    try (KitCluster cluster = KitCluster.start(kafka)) {
      String id = kafka.uniqueName("tx");
      int[] instance = {0};
      Map<String, Integer> replies =
          scaleOut(cluster, b -> b.transactional(id + "-" + instance[0]++));

      assertThat(replies).hasSize(COMMANDS);
      assertThat(replies.values()).allMatch(n -> n == 1);
    }
  }

  /** Runs one instance, adds a second mid-way; the replies per command id once all are in. */
  private static Map<String, Integer> scaleOut(
      KitCluster cluster, java.util.function.UnaryOperator<Participant.Builder> mode) {
    // Given commands, and an instance that takes a while over each batch
    for (int i = 0; i < COMMANDS; i++) {
      cluster.send(
          cluster.command("order-" + i, "reserve-inventory", 1, CommandKind.ACTION),
          new ReserveInventory("order-" + i, List.of(new OrderLine("sku", 1))));
    }
    String group = cluster.kafka.uniqueName("inventory");
    try (Participant first = mode.apply(slow(cluster, group)).start()) {
      await().atMost(WAIT).until(() -> cluster.readAll(cluster.replies).size() >= COMMANDS / 10);

      // When a second instance joins the group
      try (Participant second = mode.apply(slow(cluster, group)).start()) {
        await()
            .atMost(WAIT)
            .until(() -> distinct(cluster).size() == COMMANDS || !bothRunning(first, second));

        // Then both kept serving, and every command was answered
        assertThat(first.health().state()).isEqualTo(Health.State.RUNNING);
        assertThat(second.health().state()).isEqualTo(Health.State.RUNNING);
        return distinct(cluster);
      }
    }
  }

  private static boolean bothRunning(Participant first, Participant second) {
    return first.health().isRunning() && second.health().isRunning();
  }

  private static Participant.Builder slow(KitCluster cluster, String group) {
    return cluster
        .participant(group)
        .consumerProperty("max.poll.records", 20)
        .onAction(
            ReserveInventory.class,
            (command, context) -> {
              // The service's work, so a rebalance finds the first instance in a batch.
              TimeUnit.MILLISECONDS.sleep(10);
              return Reply.success(new InventoryReserved("res-" + context.commandId()));
            });
  }

  private static Map<String, Integer> distinct(KitCluster cluster) {
    Map<String, Integer> counts = new HashMap<>();
    for (Received reply : cluster.replies()) {
      counts.merge(reply.reply().getCommandId(), 1, Integer::sum);
    }
    return counts;
  }
}
