package io.sagaflow.examples.transfer;

import io.sagaflow.module.SimulatedParticipant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;

/**
 * Simulated accounts, payee bank and ledger. The payee bank is flaky (a third of its reservations
 * fail transiently, on top of the run's retriable failure rate) and declines at the run's decline
 * rate with ACCOUNT_CLOSED; the others only fail as the run's rates say.
 */
final class TransferParticipants {
  /** Share of the payee bank's reservations that fail transiently, to show retries. */
  static final double PAYEE_BANK_FLAKINESS = 0.3;

  private TransferParticipants() {}

  static List<SimulatedParticipant> all() {
    return List.of(
        SimulatedParticipant.reliable(
            "accounts", MoneyTransferSaga.ACCOUNTS, TransferParticipants::resultOf),
        SimulatedParticipant.reliable(
                "payee-bank", MoneyTransferSaga.PAYEE_BANK, TransferParticipants::resultOf)
            .declining("reserve-credit", MoneyTransferSaga.ACCOUNT_CLOSED)
            .flaky(PAYEE_BANK_FLAKINESS),
        SimulatedParticipant.reliable(
            "ledger", MoneyTransferSaga.LEDGER, TransferParticipants::resultOf));
  }

  static Optional<SpecificRecord> resultOf(SpecificRecord command, UUID commandId) {
    String id = commandId.toString().substring(0, 8);
    if (command instanceof HoldFunds) {
      return Optional.of(new FundsHeld("hold-" + id));
    } else if (command instanceof ReserveCredit) {
      return Optional.of(new CreditReserved("credit-" + id));
    } else if (command instanceof PostTransfer) {
      return Optional.of(new TransferPosted("entry-" + id));
    } else if (command instanceof ReleaseHold || command instanceof CancelCredit) {
      return Optional.empty();
    }
    throw new IllegalArgumentException(
        "No simulated transfer participant handles " + command.getSchema().getFullName());
  }
}
