package io.sagaflow.app;

import com.fasterxml.jackson.databind.JsonNode;
import io.sagaflow.examples.shipping.Carrier;
import io.sagaflow.examples.shipping.SimPost;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * SimPost with faults chosen by order id: {@code flaky} orders find the carrier unavailable twice,
 * {@code unserved} ones are refused, {@code held} ones wait until {@link #release()} (at most
 * {@link #HOLD_BOUND}, then the carrier is unavailable), so a test decides when they are booked.
 */
final class ScriptedCarrier implements Carrier {
  private final Carrier carrier = SimPost.europe();
  static final Duration HOLD_BOUND = Duration.ofMinutes(3);

  private final Map<String, Integer> failures = new ConcurrentHashMap<>();
  private final CountDownLatch held = new CountDownLatch(1);

  /** Lets every held booking, waiting or still to come, go on. */
  void release() {
    held.countDown();
  }

  @Override
  public Booking book(String orderId, JsonNode address) {
    if (orderId.contains("unserved")) {
      throw new DestinationNotServedException("no delivery to the test's unserved addresses");
    }
    if (orderId.contains("flaky") && failures.merge(orderId, 1, Integer::sum) <= 2) {
      throw new CarrierUnavailableException("the carrier's booking system is down");
    }
    if (orderId.contains("held")) {
      try {
        if (!held.await(HOLD_BOUND.toMillis(), TimeUnit.MILLISECONDS)) {
          throw new CarrierUnavailableException("held bookings were never released");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CarrierUnavailableException("interrupted");
      }
    }
    return carrier.book(orderId, address);
  }
}
