package io.sagaflow.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.sagaflow.engine.SagaDefinition;
import io.sagaflow.engine.SagaRegistry;
import io.sagaflow.engine.StepKind;
import io.sagaflow.examples.order.ConfirmationSent;
import io.sagaflow.examples.order.InventoryReserved;
import io.sagaflow.examples.order.OrderFulfilmentData;
import io.sagaflow.examples.order.OrderFulfilmentSaga;
import io.sagaflow.examples.order.PaymentAuthorized;
import io.sagaflow.examples.order.PaymentCaptured;
import io.sagaflow.examples.order.ShipmentBooked;
import io.sagaflow.serde.RegisteredSchema;
import io.sagaflow.topology.SagaDriver.Command;
import io.sagaflow.topology.SchemaSubjects.Required;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The schemas to register are exactly the ones the processor's writers look up. */
class SchemaSubjectsTest {
  private static final SagaRegistry ORDER = SagaRegistry.of(OrderFulfilmentSaga.definition());

  @Test
  void shouldListEverySubjectOfTheCoreTopicsAndTheOrderSaga() {
    SchemaSubjects.Listing listing = SchemaSubjects.of(ORDER, "sagaflow");

    assertThat(listing.problems()).isEmpty();
    assertThat(bySubject(listing))
        .containsExactlyInAnyOrderEntriesOf(
            Map.ofEntries(
                Map.entry("io.sagaflow.contract.StartSaga", "io.sagaflow.contract.StartSaga"),
                Map.entry("io.sagaflow.contract.CancelSaga", "io.sagaflow.contract.CancelSaga"),
                Map.entry(
                    "io.sagaflow.contract.OperatorCommand", "io.sagaflow.contract.OperatorCommand"),
                Map.entry("saga.replies-value", "io.sagaflow.contract.StepReply"),
                Map.entry("saga.events-value", "io.sagaflow.contract.SagaEvent"),
                Map.entry("saga.dlq-value", "io.sagaflow.contract.DeadLetter"),
                Map.entry(
                    "sagaflow-saga-state-changelog-value", "io.sagaflow.contract.SagaStateRecord"),
                order("OrderFulfilmentData"),
                order("ReserveInventory"),
                order("ReleaseInventory"),
                order("AuthorizePayment"),
                order("VoidPaymentAuthorization"),
                order("CapturePayment"),
                order("BookShipment"),
                order("SendConfirmation"),
                order("InventoryReserved"),
                order("PaymentAuthorized"),
                order("PaymentCaptured"),
                order("ShipmentBooked"),
                order("ConfirmationSent")));
    assertThat(listing.schemas())
        .allSatisfy(r -> assertThat(r.schema().toString()).doesNotContain("avro.java.string"));
  }

  @Test
  void shouldListNoSubjectThatTheProcessorDoesNotWriteOrTheRegistryDidNotGet() {
    // Given the order saga run through the processor with auto-registration on: every saga to an
    // end, one compensated and one cancelled, a reply that cannot be decoded dead-lettered
    SagaDriver saga = new SagaDriver(ORDER);
    try {
      saga.start("done");
      saga.succeed(saga.onlyCommand(OrderFulfilmentSaga.INVENTORY), new InventoryReserved("r"));
      saga.succeed(
          saga.onlyCommand(OrderFulfilmentSaga.PAYMENT),
          new PaymentAuthorized("a", new BigDecimal("1.00"), "EUR"));
      saga.succeed(saga.onlyCommand(OrderFulfilmentSaga.PAYMENT), new PaymentCaptured("c"));
      saga.succeed(
          saga.onlyCommand(OrderFulfilmentSaga.SHIPPING), new ShipmentBooked("s", "DHL", null));
      saga.succeed(saga.onlyCommand(OrderFulfilmentSaga.NOTIFICATION), new ConfirmationSent("m"));
      saga.start("undone");
      saga.succeed(saga.onlyCommand(OrderFulfilmentSaga.INVENTORY), new InventoryReserved("r"));
      Command authorize = saga.onlyCommand(OrderFulfilmentSaga.PAYMENT);
      saga.failBusiness(authorize, "CARD_DECLINED");
      saga.succeedWithoutResult(saga.onlyCommand(OrderFulfilmentSaga.INVENTORY));
      saga.start("cancelled");
      saga.succeed(saga.onlyCommand(OrderFulfilmentSaga.INVENTORY), new InventoryReserved("r"));
      saga.cancel("cancelled", "changed my mind");
      saga.pipeRawReply(
          "done".getBytes(StandardCharsets.UTF_8),
          new byte[] {0, 0, 0, 0, 99},
          new org.apache.kafka.common.header.internals.RecordHeaders());
      assertThat(saga.status("done")).isEqualTo("COMPLETED");
      assertThat(saga.status("undone")).isEqualTo("COMPENSATED");

      // Then every subject the run registered is listed, with the schema registered under it
      SchemaSubjects.Listing listing = SchemaSubjects.of(ORDER, "saga-test");
      Map<String, String> listed =
          listing.schemas().stream()
              .collect(Collectors.toMap(Required::subject, r -> r.schema().toString()));
      // The driver writes replies itself, under record names; participants use saga.replies-value.
      List<String> registered =
          saga.schemas.subjects().stream()
              .filter(s -> !s.equals("io.sagaflow.contract.StepReply"))
              .toList();
      assertThat(registered)
          .contains(
              "saga.events-value",
              "saga.dlq-value",
              "saga-test-saga-state-changelog-value",
              "io.sagaflow.examples.order.ReleaseInventory");
      for (String subject : registered) {
        RegisteredSchema latest = saga.schemas.latest(subject);
        assertThat(listed).as(subject).containsEntry(subject, latest.schema().toString());
      }
    } finally {
      saga.close();
    }
  }

  @Test
  void shouldNameTheStepWhoseCommandFactoryFailsOnSampleData() {
    SagaDefinition<OrderFulfilmentData> picky =
        SagaDefinition.builder("picky", 1, OrderFulfilmentData.class)
            .step(
                "check",
                "checks.commands",
                StepKind.PIVOT,
                s ->
                    s.action(
                        d -> {
                          if (d.getOrderId().isEmpty()) {
                            throw new IllegalArgumentException("no order id");
                          }
                          return "not a record";
                        }))
            .build();

    SchemaSubjects.Listing listing = SchemaSubjects.of(SagaRegistry.of(picky), "sagaflow");

    assertThat(listing.problems())
        .singleElement()
        .asString()
        .contains("saga 'picky' v1, step 'check' (action)")
        .contains("no order id");
    assertThat(listing.schemas())
        .extracting(Required::subject)
        .contains("io.sagaflow.examples.order.OrderFulfilmentData")
        .doesNotContain("checks.commands-value");
  }

  @Test
  void shouldReportTypesThatAreNoGeneratedRecords() {
    SagaDefinition<String> plainData =
        SagaDefinition.builder("plain", 1, String.class)
            .step("s", "plain.commands", StepKind.PIVOT, s -> s.action(d -> d))
            .build();
    SagaDefinition<OrderFulfilmentData> plainParts =
        SagaDefinition.builder("parts", 1, OrderFulfilmentData.class)
            .step(
                "s",
                "parts.commands",
                StepKind.PIVOT,
                s -> s.action(d -> null).onSuccess(String.class, (d, r) -> d))
            .build();

    SchemaSubjects.Listing listing =
        SchemaSubjects.of(SagaRegistry.of(plainData, plainParts), "sagaflow");

    assertThat(listing.problems())
        .containsExactlyInAnyOrder(
            "saga 'plain' v1: its data type java.lang.String is no Avro generated record",
            "saga 'parts' v1, step 's' (action): the command factory built null, not an Avro"
                + " generated record",
            "saga 'parts' v1, step 's': its result type java.lang.String is no generated record");
  }

  private static Map<String, String> bySubject(SchemaSubjects.Listing listing) {
    return listing.schemas().stream()
        .collect(Collectors.toMap(Required::subject, Required::recordName));
  }

  private static Map.Entry<String, String> order(String name) {
    String full = "io.sagaflow.examples.order." + name;
    return Map.entry(full, full);
  }
}
