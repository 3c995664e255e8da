package io.sagaflow.participant;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sagaflow.examples.order.ReserveInventory;
import io.sagaflow.serde.InMemorySchemaRegistry;
import org.junit.jupiter.api.Test;

class ParticipantBuilderTest {
  private static Participant.Builder complete() {
    return Participant.builder()
        .bootstrapServers("127.0.0.1:1")
        .schemaRegistry(new InMemorySchemaRegistry())
        .commandTopic("inventory.commands")
        .groupId("inventory");
  }

  @Test
  void shouldNameTheMissingSetting() {
    assertThatThrownBy(() -> Participant.builder().start())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("commandTopic(..)");
    assertThatThrownBy(() -> complete().start())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("has no handler");
    assertThatThrownBy(
            () ->
                complete()
                    .onAnyCommand((c, ctx) -> Reply.success())
                    .mode(DeliveryMode.TRANSACTIONAL)
                    .start())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("transactional(id)");
  }

  @Test
  void shouldRefuseTwoHandlersForOneTypeAndKind() {
    Participant.Builder builder =
        complete().onAction(ReserveInventory.class, (c, ctx) -> Reply.success());

    assertThatThrownBy(() -> builder.onAction(ReserveInventory.class, (c, ctx) -> Reply.success()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("registered already");
  }
}
