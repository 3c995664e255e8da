package io.sagaflow.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sagaflow.contract.OperatorAction;
import io.sagaflow.contract.OperatorCommand;
import io.sagaflow.examples.order.OrderFulfilmentData;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class JsonRecordReaderTest {
  private static JsonNode json(String text) throws Exception {
    return Http.JSON.readTree(text);
  }

  @Test
  void shouldReadPlainJsonIntoTheGeneratedClassFillingDefaults() throws Exception {
    OrderFulfilmentData data =
        JsonRecordReader.read(
            json(SagaFlows.ORDER.formatted("1")), OrderFulfilmentData.class, "data");

    assertThat(data.getAmount()).isEqualTo(new BigDecimal("42.50"));
    assertThat(data.getShippingAddress().getLine2()).isNull();
    assertThat(data.getLines().get(0).getQuantity()).isEqualTo(2);
    assertThat(data.getReservationId()).isNull();
  }

  @Test
  void shouldReadAnAmountAsTheNumberTheStatusAnswersOrAsADecimalString() throws Exception {
    // The body reader keeps JSON numbers exact, as the start route's does
    ObjectMapper exact =
        new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    String asString = SagaFlows.ORDER.formatted("1");

    for (String amount : List.of("42.50", "42.5", "42.500", "\"42.50\"", "\"42.5\"")) {
      OrderFulfilmentData data =
          JsonRecordReader.read(
              exact.readTree(asString.replace("\"42.50\"", amount)),
              OrderFulfilmentData.class,
              "data");
      assertThat(data.getAmount()).as(amount).isEqualTo(new BigDecimal("42.50"));
    }
    assertThat(
            JsonRecordReader.read(
                    exact.readTree(asString.replace("\"42.50\"", "9999999999.99")),
                    OrderFulfilmentData.class,
                    "data")
                .getAmount())
        .isEqualTo(new BigDecimal("9999999999.99"));
  }

  @Test
  void shouldRefuseAnAmountThatWouldLoseDigits() throws Exception {
    ObjectMapper exact =
        new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    String body = SagaFlows.ORDER.formatted("1");

    for (String amount :
        List.of(
            "42.505",
            "0.1000000000000000055511151231257827",
            "\"42.505\"",
            "99999999999.99",
            "1e999999999",
            "\"1e999999999\"")) {
      JsonNode json = exact.readTree(body.replace("\"42.50\"", amount));
      assertThatThrownBy(() -> JsonRecordReader.read(json, OrderFulfilmentData.class, "data"))
          .as(amount)
          .isInstanceOf(ApiProblem.class)
          .hasMessageContaining("/amount expected at most 2 decimal places and 12 digits");
    }
    for (String amount : List.of("true", "\"forty-two\"", "[42.5]")) {
      JsonNode json = exact.readTree(body.replace("\"42.50\"", amount));
      assertThatThrownBy(() -> JsonRecordReader.read(json, OrderFulfilmentData.class, "data"))
          .as(amount)
          .isInstanceOf(ApiProblem.class)
          .hasMessageContaining("/amount expected a decimal such as 42.50");
    }
  }

  @Test
  void shouldReadEnumsAndNullableFields() throws Exception {
    OperatorCommand command =
        JsonRecordReader.read(
            json(
                "{\"action\": \"RETRY_STEP\", \"step\": null, \"operator\": \"o\", \"reason\": \"r\"}"),
            OperatorCommand.class,
            "command");

    assertThat(command.getAction()).isEqualTo(OperatorAction.RETRY_STEP);
    assertThat(command.getStep()).isNull();
  }

  @Test
  void shouldNameEveryProblemWithItsPointer() throws Exception {
    JsonNode body = json("{\"action\": 3, \"step\": 4, \"reason\": \"r\"}");

    assertThatThrownBy(() -> JsonRecordReader.read(body, OperatorCommand.class, "The command"))
        .isInstanceOf(ApiProblem.class)
        .hasMessageContaining(
            "The command does not match schema io.sagaflow.contract.OperatorCommand")
        .hasMessageContaining("/action expected one of")
        .hasMessageContaining("/step expected a string")
        .hasMessageContaining("/operator is required");
  }

  @Test
  void shouldDeriveTheSameSagaIdFromTheSameTypeAndKeyOnly() {
    String id = SagaIds.forStart("order-fulfilment", Optional.of("k-1"));

    assertThat(SagaIds.forStart("order-fulfilment", Optional.of("k-1"))).isEqualTo(id);
    assertThat(SagaIds.forStart("order-fulfilment", Optional.of("k-2"))).isNotEqualTo(id);
    assertThat(SagaIds.forStart("other", Optional.of("k-1"))).isNotEqualTo(id);
    assertThat(SagaIds.forStart("order-fulfilment", Optional.empty()))
        .isNotEqualTo(SagaIds.forStart("order-fulfilment", Optional.empty()));
  }
}
