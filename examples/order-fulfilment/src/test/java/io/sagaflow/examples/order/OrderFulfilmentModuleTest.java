package io.sagaflow.examples.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sagaflow.engine.StepKind;
import io.sagaflow.module.SagaModule;
import io.sagaflow.module.SimulatedParticipant;
import java.util.ServiceLoader;
import java.util.UUID;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class OrderFulfilmentModuleTest {
  private final OrderFulfilmentModule module = new OrderFulfilmentModule();

  @Test
  void shouldBeFoundByTheServiceLoader() {
    assertThat(ServiceLoader.load(SagaModule.class).stream().map(ServiceLoader.Provider::type))
        .contains(OrderFulfilmentModule.class);
  }

  @Test
  void shouldDefineOneStepOfEveryKind() {
    assertThat(module.definitions()).hasSize(1);
    assertThat(module.definitions().get(0).steps())
        .extracting(s -> s.kind())
        .containsExactly(
            StepKind.COMPENSATABLE,
            StepKind.COMPENSATABLE,
            StepKind.PIVOT,
            StepKind.RETRIABLE,
            StepKind.RETRIABLE);
  }

  @Test
  void shouldServeEveryCommandTopicOfTheDefinitionWithASimulatedParticipant() {
    assertThat(module.simulatedParticipants())
        .extracting(SimulatedParticipant::commandTopic)
        .containsExactlyInAnyOrderElementsOf(
            module.definitions().get(0).steps().stream()
                .map(s -> s.commandTopic())
                .distinct()
                .toList());
  }

  @Test
  void shouldAnswerTheSameCommandTheSameWay() {
    SimulatedParticipant inventory = module.simulatedParticipants().get(0);
    UUID id = UUID.fromString("00000000-0000-0000-0000-000000000042");
    ReserveInventory command = new ReserveInventory("o-1", java.util.List.of());

    assertThat(inventory.results().resultOf(command, id))
        .isEqualTo(inventory.results().resultOf(command, id))
        .contains(new InventoryReserved("res-00000000"));
    assertThat(inventory.results().resultOf(new ReleaseInventory("o-1", null), id)).isEmpty();
    assertThatThrownBy(() -> inventory.results().resultOf(new PaymentCaptured("c"), id))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PaymentCaptured");
  }

  @Test
  void shouldDeriveTheSameDemoOrderFromTheSameIdAndSeed() {
    var demo = module.demoData().orElseThrow();

    assertThat(demo.sagaType()).isEqualTo(OrderFulfilmentSaga.TYPE);
    assertThat(demo.data("s-1", 42)).isEqualTo(demo.data("s-1", 42));
    assertThat(demo.data("s-1", 42)).isNotEqualTo(demo.data("s-2", 42));
  }

  @Test
  void shouldTagPersonalDataAndSecretsInItsSchemas() {
    Schema data = OrderFulfilmentData.getClassSchema();

    assertThat(data.getField("customerEmail").getObjectProp("pii")).isEqualTo(true);
    assertThat(data.getField("shippingAddress").getObjectProp("pii")).isEqualTo(true);
    assertThat(data.getField("paymentToken").getObjectProp("secret")).isEqualTo(true);
    assertThat(data.getField("amount").schema().getLogicalType().getName()).isEqualTo("decimal");
  }
}
