package io.sagaflow.examples.shipping;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.UUID;

/**
 * A pretend carrier that delivers to a few countries. Its shipment ids derive from the order id, so
 * the same order always gets the same shipment, whichever attempt books it.
 */
public final class SimPost implements Carrier {
  private final Set<String> countries;

  /** Delivers to {@code countries} (ISO 3166-1 alpha-2 codes). */
  public SimPost(Set<String> countries) {
    this.countries = Set.copyOf(countries);
  }

  /** Delivers in Europe's larger markets. */
  public static SimPost europe() {
    return new SimPost(Set.of("GB", "IE", "FR", "DE", "NL", "BE", "ES", "IT", "AT", "PL"));
  }

  @Override
  public Booking book(String orderId, JsonNode address) {
    String country = address.path("countryCode").asText("");
    if (!countries.contains(country)) {
      throw new DestinationNotServedException(
          "SimPost does not deliver to country '" + country + "'");
    }
    String id =
        UUID.nameUUIDFromBytes(("shipment:" + orderId).getBytes(StandardCharsets.UTF_8))
            .toString()
            .substring(0, 8);
    return new Booking("ship-" + id, "SimPost", "SP" + id.toUpperCase(java.util.Locale.ROOT));
  }
}
