package io.sagaflow.connect.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sagaflow.examples.order.AuthorizePayment;
import io.sagaflow.examples.order.BookShipment;
import io.sagaflow.examples.order.OrderLine;
import io.sagaflow.examples.order.PaymentAuthorized;
import io.sagaflow.examples.order.PostalAddress;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.avro.Conversions;
import org.apache.avro.LogicalTypes;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

class AvroJsonTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void shouldWriteACommandAsPlainJson() throws Exception {
    BookShipment command =
        new BookShipment(
            "order-1",
            new PostalAddress("Ann", "1 High St", null, "Leeds", "LS1", "GB"),
            List.of(new OrderLine("sku-7", 2)));

    JsonNode json = AvroJson.toJson(command, command.getSchema());

    assertThat(json)
        .isEqualTo(
            JSON.readTree(
                "{\"orderId\":\"order-1\",\"shippingAddress\":{\"recipient\":\"Ann\","
                    + "\"line1\":\"1 High St\",\"line2\":null,\"city\":\"Leeds\",\"postalCode\":\"LS1\","
                    + "\"countryCode\":\"GB\"},\"lines\":[{\"sku\":\"sku-7\",\"quantity\":2}]}"));
  }

  @Test
  void shouldKeepADecimalsScaleBothWays() throws Exception {
    AuthorizePayment command =
        AuthorizePayment.newBuilder()
            .setOrderId("o")
            .setCustomerId("c")
            .setAmount(new BigDecimal("120.50"))
            .setCurrency("EUR")
            .setPaymentToken("t")
            .build();
    JsonNode json = AvroJson.toJson(command, command.getSchema());
    assertThat(json.get("amount").decimalValue()).isEqualTo(new BigDecimal("120.50"));

    GenericRecord result =
        (GenericRecord)
            AvroJson.fromJson(
                JSON.readTree(
                    "{\"authorizationId\":\"a\",\"authorizedAmount\":120.5,\"currency\":\"EUR\"}"),
                PaymentAuthorized.getClassSchema());
    BigDecimal amount =
        new Conversions.DecimalConversion()
            .fromBytes(
                (ByteBuffer) result.get("authorizedAmount"), null, LogicalTypes.decimal(12, 2));
    assertThat(amount).isEqualTo(new BigDecimal("120.50"));
  }

  @Test
  void shouldNameTheFieldThatDoesNotFitWithoutQuotingItsValue() {
    assertThatThrownBy(
            () ->
                AvroJson.fromJson(
                    JSON.readTree(
                        "{\"authorizationId\":\"a\",\"authorizedAmount\":\"secret-ish\","
                            + "\"currency\":\"EUR\"}"),
                    PaymentAuthorized.getClassSchema()))
        .hasMessageContaining("PaymentAuthorized.authorizedAmount")
        .hasMessageNotContaining("secret-ish");
  }
}
