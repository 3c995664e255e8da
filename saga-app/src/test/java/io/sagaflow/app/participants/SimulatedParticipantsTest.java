package io.sagaflow.app.participants;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sagaflow.app.TestModules;
import io.sagaflow.app.config.ConfigException;
import io.sagaflow.app.config.ConfigLoader;
import io.sagaflow.app.config.SagaflowConfig;
import io.sagaflow.serde.InMemorySchemaRegistry;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SimulatedParticipantsTest {
  @Test
  void shouldRefuseToDisableAParticipantNoModuleSimulates() {
    SagaflowConfig config =
        ConfigLoader.load(Map.of(), Map.of("saga.participants.disabled", "payment,paymnet"));

    assertThatThrownBy(
            () ->
                SimulatedParticipants.start(
                    config, new InMemorySchemaRegistry(), TestModules.onClassPath()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("saga.participants.disabled names 'paymnet'")
        .hasMessageContaining("payee-bank")
        .hasMessageContaining("payment");
  }
}
