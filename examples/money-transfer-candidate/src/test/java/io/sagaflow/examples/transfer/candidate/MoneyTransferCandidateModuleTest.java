package io.sagaflow.examples.transfer.candidate;

import static io.sagaflow.examples.transfer.MoneyTransferSaga.TYPE;
import static org.assertj.core.api.Assertions.assertThat;

import io.sagaflow.contract.SagaEventType;
import io.sagaflow.engine.SagaStatus;
import io.sagaflow.examples.transfer.CreditReserved;
import io.sagaflow.examples.transfer.FundsHeld;
import io.sagaflow.examples.transfer.MoneyTransferModule;
import io.sagaflow.examples.transfer.TransferData;
import io.sagaflow.examples.transfer.TransferPosted;
import io.sagaflow.testkit.SagaTestDriver;
import java.math.BigDecimal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The bad release next to v1, as the preview's plugin directory loads them. */
class MoneyTransferCandidateModuleTest {
  private final SagaTestDriver driver =
      SagaTestDriver.builder()
          .modules(new MoneyTransferModule(), new MoneyTransferCandidateModule())
          .build();

  @AfterEach
  void close() {
    driver.close();
  }

  @Test
  void shouldViolateItsInvariantOnlyOnTheCandidateWhileTheTransferStillCompletes() {
    // Given the same transfer on v1 and on v2
    driver.start(TYPE, 1, "t-v1", transfer("t-v1"));
    succeed("t-v1");
    driver.start(TYPE, MoneyTransferCandidateModule.VERSION, "t-v2", transfer("t-v2"));
    succeed("t-v2");

    // Then both complete, and only v2 reports credit-before-hold between the hold and the credit
    assertThat(driver.status("t-v1")).isEqualTo(SagaStatus.COMPLETED);
    assertThat(driver.status("t-v2")).isEqualTo(SagaStatus.COMPLETED);
    assertThat(driver.eventTypes("t-v1")).doesNotContain(SagaEventType.INVARIANT_VIOLATED);
    assertThat(driver.events())
        .filteredOn(e -> e.getSagaId().equals("t-v2"))
        .filteredOn(e -> e.getEventType() == SagaEventType.INVARIANT_VIOLATED)
        .isNotEmpty()
        .allSatisfy(
            e -> {
              assertThat(e.getDefinitionVersion()).isEqualTo(2);
              assertThat(e.getReason()).startsWith("credit-before-hold");
            });
  }

  private void succeed(String sagaId) {
    driver.success(driver.takeCommand(), new FundsHeld("hold-" + sagaId));
    driver.success(driver.takeCommand(), new CreditReserved("credit-" + sagaId));
    driver.success(driver.takeCommand(), new TransferPosted("ledger-" + sagaId));
  }

  private static TransferData transfer(String id) {
    return TransferData.newBuilder()
        .setTransferId("transfer-" + id)
        .setSourceAccount("GB12SAGA00000000000001")
        .setDestinationAccount("GB34SAGA00000000000002")
        .setAmount(new BigDecimal("120.50"))
        .setCurrency("EUR")
        .build();
  }
}
