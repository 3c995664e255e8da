package io.sagaflow.examples.order;

import io.sagaflow.module.DemoData;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.avro.specific.SpecificRecord;

/** The demo's orders: every field derived from the saga id and the seed. */
final class OrderDemoData implements DemoData {
  private static final String[] CITIES = {"London", "Lyon", "Leipzig", "Lisbon", "Ljubljana"};

  @Override
  public String sagaType() {
    return OrderFulfilmentSaga.TYPE;
  }

  @Override
  public String noun() {
    return "order";
  }

  @Override
  public SpecificRecord data(String sagaId, long seed) {
    return order(sagaId, seed);
  }

  /** The order behind saga {@code sagaId}: the same id and seed always give the same order. */
  static OrderFulfilmentData order(String sagaId, long seed) {
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
