package io.sagaflow.app;

import com.fasterxml.jackson.databind.JsonNode;
import io.sagaflow.examples.shipping.Carrier;
import io.sagaflow.examples.shipping.SimPost;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * SimPost with faults chosen by order id: {@code flaky} orders find the carrier unavailable twice,
 * {@code unserved} ones are refused, {@code slow} ones take 300 ms to book.
 */
final class ScriptedCarrier implements Carrier {
  private final Carrier carrier = SimPost.europe();
  private final Map<String, Integer> failures = new ConcurrentHashMap<>();

  @Override
  public Booking book(String orderId, JsonNode address) {
    if (orderId.contains("unserved")) {
      throw new DestinationNotServedException("no delivery to the test's unserved addresses");
    }
    if (orderId.contains("flaky") && failures.merge(orderId, 1, Integer::sum) <= 2) {
      throw new CarrierUnavailableException("the carrier's booking system is down");
    }
    if (orderId.contains("slow")) {
      try {
        Thread.sleep(300);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CarrierUnavailableException("interrupted");
      }
    }
    return carrier.book(orderId, address);
  }
}
