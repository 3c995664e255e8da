package io.sagaflow.app;

import io.sagaflow.app.config.ParticipantsConfig;
import io.sagaflow.app.modules.ModuleLoader;
import io.sagaflow.app.modules.SagaModules;
import io.sagaflow.app.participants.ParticipantBehaviour;
import io.sagaflow.engine.SagaDefinition;
import io.sagaflow.examples.order.OrderFulfilmentSaga;
import io.sagaflow.module.DemoData;
import java.util.List;
import java.util.Optional;

/** The example saga modules on the test class path, as the stock runtime finds them. */
public final class TestModules {
  private TestModules() {}

  /** Every module the class path holds (the examples this module tests with). */
  public static SagaModules onClassPath() {
    return ModuleLoader.load(Optional.empty());
  }

  /** The order example's demo data. */
  public static DemoData orders() {
    return onClassPath().demoData().stream()
        .filter(d -> d.sagaType().equals(OrderFulfilmentSaga.TYPE))
        .findFirst()
        .orElseThrow();
  }

  /** The order example's definition, as loaded. */
  public static SagaDefinition<?> orderDefinition() {
    return onClassPath().registry().latest(OrderFulfilmentSaga.TYPE).orElseThrow();
  }

  /** Every simulated participant's behaviour under {@code config}. */
  public static List<ParticipantBehaviour> behaviours(ParticipantsConfig config) {
    SagaModules modules = onClassPath();
    return ParticipantBehaviour.of(modules.participants(), modules.registry(), config);
  }
}
