package io.sagaflow.testkit;

import io.sagaflow.examples.order.OrderFulfilmentData;
import io.sagaflow.examples.order.OrderLine;
import io.sagaflow.examples.order.PostalAddress;
import java.math.BigDecimal;
import java.util.List;

/** The order the kit's tests and the checked-in fixtures' scripts start sagas with. */
public final class OrderSamples {
  private OrderSamples() {}

  /** Two of sku-1 for 42.50 EUR, shipped to London; {@code orderId} as given. */
  public static OrderFulfilmentData order(String orderId) {
    return OrderFulfilmentData.newBuilder()
        .setOrderId(orderId)
        .setCustomerId("c-1")
        .setCustomerEmail("ada@example.org")
        .setShippingAddress(
            new PostalAddress("Ada Lovelace", "1 Analytical St", null, "London", "N1", "GB"))
        .setLines(List.of(new OrderLine("sku-1", 2)))
        .setAmount(new BigDecimal("42.50"))
        .setCurrency("EUR")
        .setPaymentToken("tok_test")
        .build();
  }
}
