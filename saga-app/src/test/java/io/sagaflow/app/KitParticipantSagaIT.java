package io.sagaflow.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.sagaflow.app.demo.DemoWorkload;
import io.sagaflow.engine.SagaStatus;
import io.sagaflow.examples.order.InventoryReserved;
import io.sagaflow.examples.order.ReleaseInventory;
import io.sagaflow.examples.order.ReserveInventory;
import io.sagaflow.participant.Health;
import io.sagaflow.participant.Participant;
import io.sagaflow.participant.Reply;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real saga end to end with one participant written with the participant kit: the simulated
 * inventory is switched off and a kit participant serves {@code inventory.commands} instead.
 */
class KitParticipantSagaIT {
  private static final int ORDERS = 40;

  @Test
  void shouldCompleteOrdersWhoseInventoryStepIsServedByAKitParticipant(@TempDir Path dataDir)
      throws Exception {
    try (SagaCluster cluster = SagaCluster.start(dataDir)) {
      // Given the app with the simulated inventory disabled, and nothing declined or lost
      Map<String, String> settings =
          Map.of(
              "saga.demo.enabled", "true",
              "saga.demo.sagas", Integer.toString(ORDERS),
              "saga.demo.run.id", "it-kit",
              "saga.participants.disabled", "inventory",
              "saga.participants.decline.rate", "0",
              "saga.participants.retriable.failure.rate", "0",
              "saga.participants.silence.rate", "0",
              "saga.participants.latency.ms", "0");
      AtomicInteger reservations = new AtomicInteger();
      try (SagaflowRuntime runtime =
              new SagaflowRuntime(cluster.config(dataDir, settings)).start();
          // And an inventory service written with the kit
          Participant inventory =
              Participant.builder()
                  .name("inventory-service")
                  .bootstrapServers(cluster.bootstrapServers())
                  .schemaRegistryUrl(cluster.registry.url().toString())
                  .autoRegisterSchemas(true)
                  .commandTopic("inventory.commands")
                  .groupId("inventory-service")
                  .onAction(
                      ReserveInventory.class,
                      (command, context) -> {
                        reservations.incrementAndGet();
                        return Reply.success(new InventoryReserved("res-" + context.commandId()));
                      })
                  .onCompensation(ReleaseInventory.class, (command, context) -> Reply.success())
                  .start()) {
        DemoWorkload workload = runtime.demo().orElseThrow();

        // When the demo's orders run to the end
        assertThat(workload.awaitFinished(Duration.ofMinutes(3)))
            .as("demo finished; last progress: %s", workload.progressLine())
            .isTrue();

        // Then every order completed, each having reserved its stock once through the kit
        List<SagaStatus> orders =
            workload.statuses().entrySet().stream()
                .filter(e -> e.getKey().startsWith("it-kit-order-"))
                .map(Map.Entry::getValue)
                .toList();
        assertThat(orders).hasSize(ORDERS).containsOnly(SagaStatus.COMPLETED);
        assertThat(reservations).hasValue(ORDERS);
        assertThat(inventory.stats().handled()).isEqualTo(ORDERS);
        assertThat(inventory.stats().deadLettered()).isZero();
        assertThat(inventory.health().state()).isEqualTo(Health.State.RUNNING);
      }
    }
  }
}
