package io.sagaflow.examples.shipping;

import com.fasterxml.jackson.databind.JsonNode;

/** Books parcels with a carrier. The service calls it once per order, whatever the redeliveries. */
public interface Carrier {

  /**
   * Books the shipment of order {@code orderId} to {@code address} (the command's {@code
   * shippingAddress}: recipient, line1, city, postalCode, countryCode).
   *
   * @throws CarrierUnavailableException when the carrier cannot be reached now (answered 503, so
   *     the connector retries)
   * @throws DestinationNotServedException when the carrier never delivers there (answered 422, a
   *     business failure)
   */
  Booking book(String orderId, JsonNode address);

  /**
   * A booked shipment: the {@code ShipmentBooked} result of the step.
   *
   * @param shipmentId the carrier's id of the shipment
   * @param carrier the carrier's name
   * @param trackingNumber the tracking number, when already issued
   */
  record Booking(String shipmentId, String carrier, String trackingNumber) {}

  /** The carrier cannot be reached; worth trying again. */
  final class CarrierUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** With what went wrong. */
    public CarrierUnavailableException(String message) {
      super(message);
    }
  }

  /** The carrier does not deliver to the address; trying again will not change that. */
  final class DestinationNotServedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** With the destination refused. */
    public DestinationNotServedException(String message) {
      super(message);
    }
  }
}
