package io.sagaflow.serde;

import static org.assertj.core.api.Assertions.assertThat;

import io.sagaflow.examples.order.AuthorizePayment;
import io.sagaflow.examples.order.OrderFulfilmentData;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RedactionTest {

  @Test
  void shouldMaskTaggedFieldsAndKeepTheRest() {
    Map<String, Object> view = Redaction.redact(ContractSamples.orderData());

    assertThat(view)
        .containsEntry("customerEmail", Redaction.MASK)
        .containsEntry("shippingAddress", Redaction.MASK)
        .containsEntry("paymentToken", Redaction.MASK)
        .containsEntry("orderId", "order-1")
        .containsEntry("amount", new java.math.BigDecimal("1234.50"))
        .containsEntry("authorizationId", null);
    assertThat(view.toString()).doesNotContain("ada@example.org", "tok_secret_123", "London");
    assertThat(view.get("lines").toString()).contains("SKU-1");
  }

  @Test
  void shouldListSensitiveFieldsFromTheSchemaAlone() {
    assertThat(Redaction.sensitiveFields(OrderFulfilmentData.getClassSchema()))
        .containsExactlyInAnyOrder("customerEmail", "shippingAddress", "paymentToken");
    assertThat(Redaction.sensitiveFields(AuthorizePayment.getClassSchema()))
        .containsExactly("paymentToken");
  }

  @Test
  void shouldSummariseBytesInsteadOfPrintingThem() {
    Map<String, Object> view = Redaction.redact(ContractSamples.stateRecord());

    assertThat(view).containsEntry("data", "<6 bytes>");
    assertThat(view.get("steps").toString()).contains("inventory", "payment");
  }
}
