package io.sagaflow.app.demo;

import io.sagaflow.contract.OrderFulfilmentData;
import io.sagaflow.contract.OrderLine;
import io.sagaflow.contract.PostalAddress;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/** The demo's orders: saga ids and order data, all derived from the run id and the seed. */
public final class DemoOrders {
  private static final String[] CITIES = {"London", "Lyon", "Leipzig", "Lisbon", "Ljubljana"};

  private DemoOrders() {}

  /** The saga ids of a run: {@code <runId>-00001} to {@code <runId>-<orders>}. */
  public static List<String> sagaIds(String runId, int orders) {
    List<String> ids = new ArrayList<>(orders);
    for (int i = 1; i <= orders; i++) {
      ids.add(String.format(Locale.ROOT, "%s-%05d", runId, i));
    }
    return ids;
  }

  /** The order behind saga {@code sagaId}: the same id and seed always give the same order. */
  public static OrderFulfilmentData order(String sagaId, long seed) {
    SplittableRandom random = new SplittableRandom(seed ^ sagaId.hashCode());
    int customer = random.nextInt(1, 500);
    List<OrderLine> lines = new ArrayList<>();
    int lineCount = random.nextInt(1, 4);
    for (int i = 0; i < lineCount; i++) {
      lines.add(new OrderLine("sku-" + random.nextInt(1, 200), random.nextInt(1, 5)));
    }
    return OrderFulfilmentData.newBuilder()
        .setOrderId("order-" + sagaId)
        .setCustomerId("customer-" + customer)
        .setCustomerEmail("customer-" + customer + "@example.org")
        .setShippingAddress(
            PostalAddress.newBuilder()
                .setRecipient("Customer " + customer)
                .setLine1(random.nextInt(1, 200) + " Demo Street")
                .setCity(CITIES[random.nextInt(CITIES.length)])
                .setPostalCode(Integer.toString(random.nextInt(10_000, 99_999)))
                .setCountryCode("GB")
                .build())
        .setLines(lines)
        // Money is a decimal with two places, never a double.
        .setAmount(BigDecimal.valueOf(random.nextLong(500, 50_000), 2))
        .setCurrency("EUR")
        .setPaymentToken("tok_demo_" + customer)
        .build();
  }
}
