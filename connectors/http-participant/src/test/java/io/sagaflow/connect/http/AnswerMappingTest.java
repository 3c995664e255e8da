package io.sagaflow.connect.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.sagaflow.examples.order.ShipmentBooked;
import io.sagaflow.participant.Reply;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

class AnswerMappingTest {
  private static final Optional<Schema> SHIPMENT = Optional.of(ShipmentBooked.getClassSchema());
  private static final String TARGET = "POST http://shipping/shipments";

  @Test
  void shouldMapA2xxBodyToTheStepsResultRecord() {
    Outcome outcome =
        AnswerMapping.map(
            201, bytes("{\"shipmentId\":\"s-1\",\"carrier\":\"SimPost\"}"), SHIPMENT, TARGET);

    assertThat(outcome).isInstanceOf(Outcome.Answered.class);
    Reply.Success success = (Reply.Success) ((Outcome.Answered) outcome).reply();
    GenericRecord result = (GenericRecord) success.result().orElseThrow();
    assertThat(result.get("shipmentId")).isEqualTo("s-1");
    assertThat(result.get("trackingNumber")).isNull();
  }

  @Test
  void shouldSucceedWithoutAResultWhenTheCommandTypeHasNone() {
    assertThat(AnswerMapping.map(204, new byte[0], Optional.empty(), TARGET))
        .isEqualTo(new Outcome.Answered(Reply.success()));
  }

  @Test
  void shouldMapAProblemWithACodeToABusinessFailure() {
    Outcome outcome =
        AnswerMapping.map(
            422,
            bytes("{\"title\":\"not served\",\"detail\":\"country XX\",\"code\":\"NOT_SERVED\"}"),
            SHIPMENT,
            TARGET);

    assertThat(outcome)
        .isEqualTo(
            new Outcome.Answered(
                Reply.businessFailure(
                    "NOT_SERVED", "422 from " + TARGET + ": not served - country XX")));
  }

  @Test
  void shouldNameTheStatusWhenABusinessFailureHasNoCode() {
    Outcome outcome = AnswerMapping.map(409, new byte[0], SHIPMENT, TARGET);

    assertThat(((Reply.BusinessFailure) ((Outcome.Answered) outcome).reply()).code())
        .isEqualTo("HTTP_409");
  }

  @Test
  void shouldRetry5xxTimeoutsAndThrottling() {
    for (int status : new int[] {500, 502, 503, 504, 408, 429}) {
      assertThat(AnswerMapping.map(status, new byte[0], SHIPMENT, TARGET))
          .isInstanceOf(Outcome.Transient.class);
    }
  }

  @Test
  void shouldWaitForTheCallbackOn202() {
    assertThat(AnswerMapping.map(202, new byte[0], SHIPMENT, TARGET))
        .isEqualTo(Outcome.Later.INSTANCE);
  }

  @Test
  void shouldRefuseOther4xxAndBodiesThatAreNotTheResult() {
    assertThat(AnswerMapping.map(401, new byte[0], SHIPMENT, TARGET))
        .isInstanceOf(Outcome.Refused.class);
    Outcome wrongBody =
        AnswerMapping.map(200, bytes("{\"carrier\":\"SimPost\"}"), SHIPMENT, TARGET);
    assertThat(wrongBody).isInstanceOf(Outcome.Refused.class);
    assertThat(((Outcome.Refused) wrongBody).reason())
        .contains("ShipmentBooked.shipmentId is missing");
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
