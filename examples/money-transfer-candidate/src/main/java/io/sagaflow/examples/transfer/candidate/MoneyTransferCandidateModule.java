package io.sagaflow.examples.transfer.candidate;

import io.sagaflow.engine.SagaDefinition;
import io.sagaflow.examples.transfer.MoneyTransferSaga;
import io.sagaflow.examples.transfer.TransferData;
import io.sagaflow.module.SagaModule;
import java.util.List;

/**
 * Money transfer v2: the steps of v1 plus invariant {@code credit-before-hold}, which states the
 * order the wrong way round (the payee's credit reserved before the payer's funds are held). v1
 * holds the funds first, so every transfer whose hold succeeds violates it until its credit is
 * reserved: the kind of bug a rollout exists to catch on a few sagas. Its participants, demo data
 * and v1 come from the money-transfer module beside it.
 */
public final class MoneyTransferCandidateModule implements SagaModule {
  /** The candidate's version. */
  public static final int VERSION = 2;

  @Override
  public List<SagaDefinition<?>> definitions() {
    return List.of(definition());
  }

  /** Version 2, with the wrong invariant. */
  public static SagaDefinition<TransferData> definition() {
    return MoneyTransferSaga.builder(VERSION)
        .invariant(
            "credit-before-hold",
            state ->
                state.data().getHoldId() == null || state.data().getCreditReservationId() != null)
        .build();
  }

  @Override
  public String moduleName() {
    return "money-transfer-candidate";
  }
}
