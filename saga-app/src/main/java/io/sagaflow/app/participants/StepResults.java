package io.sagaflow.app.participants;

import io.sagaflow.contract.AuthorizePayment;
import io.sagaflow.contract.BookShipment;
import io.sagaflow.contract.CapturePayment;
import io.sagaflow.contract.ConfirmationSent;
import io.sagaflow.contract.InventoryReserved;
import io.sagaflow.contract.PaymentAuthorized;
import io.sagaflow.contract.PaymentCaptured;
import io.sagaflow.contract.ReleaseInventory;
import io.sagaflow.contract.ReserveInventory;
import io.sagaflow.contract.SendConfirmation;
import io.sagaflow.contract.ShipmentBooked;
import io.sagaflow.contract.VoidPaymentAuthorization;
import java.util.Optional;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;

/**
 * The typed result a successful participant returns for each command of the order-fulfilment saga.
 * Ids derive from the command id, so a redelivered command gets the same answer.
 */
final class StepResults {
  private StepResults() {}

  /**
   * The result of {@code command}; empty for compensations, which return nothing.
   *
   * @throws IllegalArgumentException for a command type no simulated participant knows
   */
  static Optional<SpecificRecord> of(SpecificRecord command, UUID commandId) {
    String id = commandId.toString().substring(0, 8);
    if (command instanceof ReserveInventory) {
      return Optional.of(new InventoryReserved("res-" + id));
    } else if (command instanceof AuthorizePayment authorize) {
      return Optional.of(
          new PaymentAuthorized("auth-" + id, authorize.getAmount(), authorize.getCurrency()));
    } else if (command instanceof CapturePayment) {
      return Optional.of(new PaymentCaptured("cap-" + id));
    } else if (command instanceof BookShipment) {
      return Optional.of(new ShipmentBooked("ship-" + id, "SimPost", "SP" + id));
    } else if (command instanceof SendConfirmation) {
      return Optional.of(new ConfirmationSent("msg-" + id));
    } else if (command instanceof ReleaseInventory || command instanceof VoidPaymentAuthorization) {
      return Optional.empty();
    }
    throw new IllegalArgumentException(
        "No simulated participant handles " + command.getSchema().getFullName());
  }
}
