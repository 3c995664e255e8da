package io.sagaflow.examples.transfer;

import io.sagaflow.engine.RetryPolicy;
import io.sagaflow.engine.SagaDefinition;
import io.sagaflow.engine.StepKind;
import java.time.Duration;

/**
 * The money-transfer example saga, three steps in sequence:
 *
 * <ol>
 *   <li>{@code hold-funds} (compensatable: release the hold) on the payer's account;
 *   <li>{@code reserve-credit} (compensatable: cancel the reservation) at the payee's bank, which
 *       is flaky: a transient failure is retried up to four attempts with back-off, and only when
 *       the attempts run out, or the bank refuses (ACCOUNT_CLOSED), is the hold released;
 *   <li>{@code post-transfer} (the pivot) in the ledger: once posted, the money has moved.
 * </ol>
 *
 * <p>Invariant {@code posted-needs-hold-and-credit}: a transfer never has a ledger entry without a
 * hold and a credit reservation.
 */
public final class MoneyTransferSaga {
  /** The saga type ({@code sagaType}) used in start requests. */
  public static final String TYPE = "money-transfer";

  /** Topic of the payer's account service. */
  public static final String ACCOUNTS = "accounts.commands";

  /** Topic of the payee's bank. */
  public static final String PAYEE_BANK = "payee-bank.commands";

  /** Topic of the ledger. */
  public static final String LEDGER = "ledger.commands";

  /** The payee bank's refusal, never retried. */
  public static final String ACCOUNT_CLOSED = "ACCOUNT_CLOSED";

  static final Duration STEP_TIMEOUT = Duration.ofSeconds(10);

  private static final RetryPolicy FEW_RETRIES =
      RetryPolicy.exponential(3, Duration.ofMillis(200), 2.0, Duration.ofSeconds(5));
  private static final RetryPolicy FLAKY_BANK =
      RetryPolicy.exponential(4, Duration.ofMillis(100), 2.0, Duration.ofSeconds(2))
          .withJitter(0.2)
          .withNonRetriableCodes(ACCOUNT_CLOSED);
  private static final RetryPolicy COMPENSATION_RETRIES =
      RetryPolicy.exponential(5, Duration.ofMillis(200), 2.0, Duration.ofSeconds(10));

  private MoneyTransferSaga() {}

  /** Version 1 of the definition. */
  public static SagaDefinition<TransferData> definition() {
    return builder(1).build();
  }

  /**
   * The steps and the invariant of version 1 under {@code version}, not yet built: a later version
   * (a rollout's candidate, such as the preview's in examples/money-transfer-candidate) adds to it.
   */
  public static SagaDefinition.Builder<TransferData> builder(int version) {
    return SagaDefinition.builder(TYPE, version, TransferData.class)
        .step(
            "hold-funds",
            ACCOUNTS,
            StepKind.COMPENSATABLE,
            s ->
                s.action(
                        d ->
                            new HoldFunds(
                                d.getTransferId(),
                                d.getSourceAccount(),
                                d.getAmount(),
                                d.getCurrency()))
                    .compensation(d -> new ReleaseHold(d.getTransferId(), d.getHoldId()))
                    .onSuccess(
                        FundsHeld.class,
                        (d, r) -> TransferData.newBuilder(d).setHoldId(r.getHoldId()).build())
                    .timeout(STEP_TIMEOUT)
                    .retry(FEW_RETRIES)
                    .compensationRetry(COMPENSATION_RETRIES))
        .step(
            "reserve-credit",
            PAYEE_BANK,
            StepKind.COMPENSATABLE,
            s ->
                s.action(
                        d ->
                            new ReserveCredit(
                                d.getTransferId(),
                                d.getDestinationAccount(),
                                d.getAmount(),
                                d.getCurrency()))
                    .compensation(
                        d -> new CancelCredit(d.getTransferId(), d.getCreditReservationId()))
                    .onSuccess(
                        CreditReserved.class,
                        (d, r) ->
                            TransferData.newBuilder(d)
                                .setCreditReservationId(r.getReservationId())
                                .build())
                    .timeout(STEP_TIMEOUT)
                    .retry(FLAKY_BANK)
                    .compensationRetry(COMPENSATION_RETRIES))
        .step(
            "post-transfer",
            LEDGER,
            StepKind.PIVOT,
            s ->
                s.action(
                        d ->
                            new PostTransfer(
                                d.getTransferId(),
                                d.getHoldId(),
                                d.getCreditReservationId(),
                                d.getAmount(),
                                d.getCurrency()))
                    .onSuccess(
                        TransferPosted.class,
                        (d, r) ->
                            TransferData.newBuilder(d)
                                .setLedgerEntryId(r.getLedgerEntryId())
                                .build())
                    .timeout(STEP_TIMEOUT)
                    .retry(FEW_RETRIES))
        .invariant(
            "posted-needs-hold-and-credit",
            state ->
                state.data().getLedgerEntryId() == null
                    || (state.data().getHoldId() != null
                        && state.data().getCreditReservationId() != null));
  }
}
