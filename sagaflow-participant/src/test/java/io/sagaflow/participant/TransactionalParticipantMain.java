package io.sagaflow.participant;

import io.sagaflow.examples.order.InventoryReserved;
import io.sagaflow.examples.order.ReserveInventory;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * An inventory participant in transactional mode, as its own process, for {@link
 * TransactionalKillIT} to kill. Each command takes a few milliseconds of simulated work, so a kill
 * lands in the middle of the run with a transaction open.
 *
 * <p>Arguments: bootstrap servers, registry URL, command topic, group id, transactional id.
 */
public final class TransactionalParticipantMain {
  private TransactionalParticipantMain() {}

  public static void main(String[] args) throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Participant participant =
        Participant.builder()
            .name("inventory")
            .bootstrapServers(args[0])
            .schemaRegistryUrl(args[1])
            .autoRegisterSchemas(true)
            .commandTopic(args[2])
            .groupId(args[3])
            .transactional(args[4])
            // A static member: the restarted process takes its predecessor's place at once.
            .consumerProperty("group.instance.id", args[4])
            .consumerProperty("max.poll.records", 10)
            .onAction(
                ReserveInventory.class,
                (command, context) -> {
                  TimeUnit.MILLISECONDS.sleep(5);
                  return Reply.success(new InventoryReserved("res-" + context.commandId()));
                })
            .start();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  participant.close();
                  stopped.countDown();
                }));
    System.out.println("participant started");
    while (participant.health().isRunning()) {
      if (stopped.await(200, TimeUnit.MILLISECONDS)) {
        return;
      }
    }
    System.err.println("participant ended: " + participant.health());
    System.exit(1);
  }
}
