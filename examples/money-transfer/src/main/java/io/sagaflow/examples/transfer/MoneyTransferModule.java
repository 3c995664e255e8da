package io.sagaflow.examples.transfer;

import io.sagaflow.engine.SagaDefinition;
import io.sagaflow.module.DemoData;
import io.sagaflow.module.SagaModule;
import io.sagaflow.module.SimulatedParticipant;
import java.util.List;
import java.util.Optional;

/** The money-transfer saga as a Sagaflow module: definition, simulated services, demo transfers. */
public final class MoneyTransferModule implements SagaModule {

  @Override
  public List<SagaDefinition<?>> definitions() {
    return List.of(MoneyTransferSaga.definition());
  }

  @Override
  public List<SimulatedParticipant> simulatedParticipants() {
    return TransferParticipants.all();
  }

  @Override
  public Optional<DemoData> demoData() {
    return Optional.of(new TransferDemoData());
  }

  @Override
  public String moduleName() {
    return "money-transfer";
  }
}
