package io.sagaflow.examples.order;

import io.sagaflow.module.SimulatedParticipant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;

/**
 * Simulated inventory, payment, shipping and notification services. Only payment declines (its
 * authorize step, with CARD_DECLINED); ids in results derive from the command id, so a redelivered
 * command gets the same answer.
 */
final class OrderParticipants {
  private OrderParticipants() {}

  static List<SimulatedParticipant> all() {
    return List.of(
        SimulatedParticipant.reliable(
            "inventory", OrderFulfilmentSaga.INVENTORY, OrderParticipants::resultOf),
        SimulatedParticipant.reliable(
                "payment", OrderFulfilmentSaga.PAYMENT, OrderParticipants::resultOf)
            .declining("authorize-payment", "CARD_DECLINED"),
        SimulatedParticipant.reliable(
            "shipping", OrderFulfilmentSaga.SHIPPING, OrderParticipants::resultOf),
        SimulatedParticipant.reliable(
            "notification", OrderFulfilmentSaga.NOTIFICATION, OrderParticipants::resultOf));
  }

  static Optional<SpecificRecord> resultOf(SpecificRecord command, UUID commandId) {
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
        "No simulated order participant handles " + command.getSchema().getFullName());
  }
}
