package io.sagaflow.examples.order;

import io.sagaflow.engine.SagaDefinition;
import io.sagaflow.module.DemoData;
import io.sagaflow.module.SagaModule;
import io.sagaflow.module.SimulatedParticipant;
import java.util.List;
import java.util.Optional;

/** The order-fulfilment saga as a Sagaflow module: definition, simulated services, demo orders. */
public final class OrderFulfilmentModule implements SagaModule {

  @Override
  public List<SagaDefinition<?>> definitions() {
    return List.of(OrderFulfilmentSaga.definition());
  }

  @Override
  public List<SimulatedParticipant> simulatedParticipants() {
    return OrderParticipants.all();
  }

  @Override
  public Optional<DemoData> demoData() {
    return Optional.of(new OrderDemoData());
  }

  @Override
  public String moduleName() {
    return "order-fulfilment";
  }
}
