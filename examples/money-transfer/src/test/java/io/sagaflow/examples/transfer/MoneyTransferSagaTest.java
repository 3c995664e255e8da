package io.sagaflow.examples.transfer;

import static io.sagaflow.examples.transfer.MoneyTransferSaga.ACCOUNTS;
import static io.sagaflow.examples.transfer.MoneyTransferSaga.PAYEE_BANK;
import static io.sagaflow.examples.transfer.MoneyTransferSaga.TYPE;
import static org.assertj.core.api.Assertions.assertThat;

import io.sagaflow.contract.SagaEventType;
import io.sagaflow.engine.SagaStatus;
import io.sagaflow.testkit.SagaCommand;
import io.sagaflow.testkit.SagaTestDriver;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The money-transfer saga through the real topology, tested the way a user tests their own. */
class MoneyTransferSagaTest {
  private final SagaTestDriver driver =
      SagaTestDriver.builder().modules(new MoneyTransferModule()).build();

  @AfterEach
  void close() {
    driver.close();
  }

  @Test
  void shouldPostTheTransferWhenHoldCreditAndLedgerSucceed() {
    // Given a transfer
    driver.start(TYPE, "t-1", transfer("t-1"));

    // When the accounts service, the payee bank and the ledger each succeed
    SagaCommand hold = driver.takeCommand();
    driver.success(hold, new FundsHeld("hold-1"));
    SagaCommand credit = driver.takeCommand();
    driver.success(credit, new CreditReserved("credit-1"));
    SagaCommand post = driver.takeCommand();
    driver.success(post, new TransferPosted("ledger-1"));

    // Then the steps ran in order, each command carrying what the earlier steps returned
    assertThat(hold.topic()).isEqualTo(ACCOUNTS);
    assertThat(((HoldFunds) hold.payload()).getAmount()).isEqualByComparingTo("120.50");
    assertThat(credit.topic()).isEqualTo(PAYEE_BANK);
    assertThat(((PostTransfer) post.payload()).getHoldId()).isEqualTo("hold-1");
    assertThat(((PostTransfer) post.payload()).getReservationId()).isEqualTo("credit-1");
    assertThat(driver.status("t-1")).isEqualTo(SagaStatus.COMPLETED);
    assertThat(driver.data("t-1", TransferData.class).getLedgerEntryId()).isEqualTo("ledger-1");
    assertThat(driver.eventTypes("t-1")).endsWith(SagaEventType.SAGA_COMPLETED);
  }

  @Test
  void shouldRetryTheFlakyBankAfterItsBackOffThenReleaseTheHoldWhenTheAttemptsRunOut() {
    // Given a transfer whose funds are held
    driver.start(TYPE, "t-2", transfer("t-2"));
    driver.success(driver.takeCommand(), new FundsHeld("hold-2"));

    // When the payee bank fails transiently
    SagaCommand first = driver.takeCommand();
    Instant failedAt = driver.now();
    driver.retriableFailure(first, "BANK_BUSY");

    // Then nothing is sent until the back-off has passed; then attempt 2 is
    assertThat(driver.takeCommands()).as("during the back-off").isEmpty();
    driver.advance(Duration.ofSeconds(1));
    SagaCommand second = driver.takeCommand();
    assertThat(second.step()).isEqualTo("reserve-credit");
    assertThat(second.attempt()).isEqualTo(2);
    assertThat(second.commandId()).isNotEqualTo(first.commandId());
    assertThat(second.timestamp()).isAfter(failedAt);

    // When attempts 2, 3 and 4 fail too
    SagaCommand last = second;
    driver.retriableFailure(second, "BANK_BUSY");
    for (int attempt = 3; attempt <= 4; attempt++) {
      driver.advance(Duration.ofSeconds(2));
      last = driver.takeCommand();
      assertThat(last.attempt()).isEqualTo(attempt);
      driver.retriableFailure(last, "BANK_BUSY");
    }

    // Then no fifth attempt: the hold is released, and once released the transfer is compensated
    SagaCommand release = driver.takeCommand();
    assertThat(release.isCompensation()).isTrue();
    assertThat(release.step()).isEqualTo("hold-funds");
    assertThat(((ReleaseHold) release.payload()).getHoldId()).isEqualTo("hold-2");
    driver.success(release);
    assertThat(driver.status("t-2")).isEqualTo(SagaStatus.COMPENSATED);
    assertThat(driver.eventTypes("t-2"))
        .contains(SagaEventType.STEP_RETRY_SCHEDULED, SagaEventType.SAGA_COMPENSATING)
        .endsWith(SagaEventType.SAGA_COMPENSATED);
    assertThat(last.attempt()).isEqualTo(4);
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
