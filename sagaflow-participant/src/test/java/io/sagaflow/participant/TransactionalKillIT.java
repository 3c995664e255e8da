package io.sagaflow.participant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sagaflow.embedded.kafka.KafkaBrokerExtension;
import io.sagaflow.embedded.kafka.TestKafka;
import io.sagaflow.engine.CommandKind;
import io.sagaflow.examples.order.OrderLine;
import io.sagaflow.examples.order.ReserveInventory;
import io.sagaflow.participant.KitCluster.Command;
import io.sagaflow.participant.KitCluster.Received;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Transactional mode under a kill -9: the participant runs as its own process, is killed with a
 * transaction open, and restarted. Read with read_committed, every command has exactly one reply.
 */
@ExtendWith(KafkaBrokerExtension.class)
class TransactionalKillIT {
  private static final int COMMANDS = 300;
  private static final Duration WAIT = Duration.ofMinutes(2);

  @Test
  void shouldNeitherLoseNorDuplicateAReplyWhenKilledMidway(TestKafka kafka) throws Exception {
    try (KitCluster cluster = KitCluster.start(kafka)) {
      // Given commands waiting for the participant
      List<Command> commands = new ArrayList<>();
      for (int i = 0; i < COMMANDS; i++) {
        Command command = cluster.command("order-" + i, "reserve-inventory", 1, CommandKind.ACTION);
        cluster.send(command, new ReserveInventory("order-" + i, List.of(new OrderLine("sku", 1))));
        commands.add(command);
      }
      String group = kafka.uniqueName("inventory");
      // The processes' logs stay with the build's output, for a failure to be read.
      Path logs = Path.of("target", "kill-it", group);
      List<String> args =
          List.of(
              kafka.bootstrapServers(),
              cluster.registryServer.url().toString(),
              cluster.commands,
              group,
              group + "-0");

      // When the participant is killed -9 part of the way through
      Process first = start(args, logs.resolve("first.log"));
      try {
        await()
            .atMost(WAIT)
            .pollInterval(Duration.ofMillis(50))
            .until(() -> cluster.readAll(cluster.replies).size() >= COMMANDS / 5);
      } finally {
        first.destroyForcibly();
        first.waitFor(30, TimeUnit.SECONDS);
      }
      int beforeKill = cluster.readAll(cluster.replies).size();
      assertThat(beforeKill).as("replies committed before the kill").isLessThan(COMMANDS);

      // And restarted with the same transactional id
      Process second = start(args, logs.resolve("second.log"));
      try {
        // (Offsets and replies of one transaction become visible together, give or take the
        // moment the markers take to reach each partition.)
        await()
            .atMost(WAIT)
            .until(
                () ->
                    cluster.committed(group) == COMMANDS
                        && cluster.readAll(cluster.replies).size() >= COMMANDS);

        // Then every command has exactly one committed reply
        Map<String, Integer> repliesPerCommand = new HashMap<>();
        for (Received reply : cluster.replies()) {
          repliesPerCommand.merge(reply.reply().getCommandId(), 1, Integer::sum);
        }
        Set<String> expected =
            commands.stream().map(c -> c.commandId().toString()).collect(Collectors.toSet());
        assertThat(repliesPerCommand.keySet()).isEqualTo(expected);
        assertThat(repliesPerCommand.values()).allMatch(n -> n == 1);
      } finally {
        second.destroy();
        if (!second.waitFor(30, TimeUnit.SECONDS)) {
          second.destroyForcibly();
        }
      }
    }
  }

  private static Process start(List<String> args, Path log) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-Dorg.slf4j.simpleLogger.showDateTime=true");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(TransactionalParticipantMain.class.getName());
    command.addAll(args);
    Files.createDirectories(log.getParent());
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
  }
}
