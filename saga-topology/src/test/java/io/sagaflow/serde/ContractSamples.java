package io.sagaflow.serde;

import io.sagaflow.contract.CancelSaga;
import io.sagaflow.contract.DeadLetter;
import io.sagaflow.contract.DeadLetterReason;
import io.sagaflow.contract.OperatorAction;
import io.sagaflow.contract.OperatorCommand;
import io.sagaflow.contract.SagaEvent;
import io.sagaflow.contract.SagaEventType;
import io.sagaflow.contract.SagaStateRecord;
import io.sagaflow.contract.StartSaga;
import io.sagaflow.contract.StepOutcome;
import io.sagaflow.contract.StepReply;
import io.sagaflow.contract.StepStateRecord;
import io.sagaflow.contract.TimerRecord;
import io.sagaflow.contract.TransitionRecord;
import io.sagaflow.examples.order.AuthorizePayment;
import io.sagaflow.examples.order.BookShipment;
import io.sagaflow.examples.order.CapturePayment;
import io.sagaflow.examples.order.ConfirmationSent;
import io.sagaflow.examples.order.InventoryReserved;
import io.sagaflow.examples.order.OrderFulfilmentData;
import io.sagaflow.examples.order.OrderLine;
import io.sagaflow.examples.order.PaymentAuthorized;
import io.sagaflow.examples.order.PaymentCaptured;
import io.sagaflow.examples.order.PostalAddress;
import io.sagaflow.examples.order.ReleaseInventory;
import io.sagaflow.examples.order.ReserveInventory;
import io.sagaflow.examples.order.SendConfirmation;
import io.sagaflow.examples.order.ShipmentBooked;
import io.sagaflow.examples.order.VoidPaymentAuthorization;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;

/**
 * One filled-in instance of every top-level contract record, optional fields set where possible.
 */
final class ContractSamples {

  static final Instant AT = Instant.parse("2026-01-02T03:04:05.678Z");

  private ContractSamples() {}

  static PostalAddress address() {
    return PostalAddress.newBuilder()
        .setRecipient("Ada Lovelace")
        .setLine1("12 St James's Square")
        .setLine2("Flat 3")
        .setCity("London")
        .setPostalCode("SW1Y 4JH")
        .setCountryCode("GB")
        .build();
  }

  static List<OrderLine> lines() {
    return List.of(
        OrderLine.newBuilder().setSku("SKU-1").setQuantity(2).build(),
        OrderLine.newBuilder().setSku("SKU-2").setQuantity(1).build());
  }

  static OrderFulfilmentData orderData() {
    return OrderFulfilmentData.newBuilder()
        .setOrderId("order-1")
        .setCustomerId("customer-7")
        .setCustomerEmail("ada@example.org")
        .setShippingAddress(address())
        .setLines(lines())
        .setAmount(new BigDecimal("1234.50"))
        .setCurrency("EUR")
        .setPaymentToken("tok_secret_123")
        .setReservationId("res-1")
        .setAuthorizationId(null)
        .setCaptureId(null)
        .setShipmentId(null)
        .setConfirmationId(null)
        .build();
  }

  static List<SpecificRecord> all() {
    ByteBuffer framed = ByteBuffer.wrap(new byte[] {0, 0, 0, 0, 9, 2, 120});
    return List.of(
        StartSaga.newBuilder()
            .setSagaType("order-fulfilment")
            .setDefinitionVersion(2)
            .setData(framed)
            .setIdempotencyKey("idem-1")
            .setRequestedAt(AT)
            .build(),
        CancelSaga.newBuilder().setReason("customer changed their mind").build(),
        OperatorCommand.newBuilder()
            .setAction(OperatorAction.RETRY_STEP)
            .setStep("payment")
            .setOperator("oncall@example.org")
            .setReason("provider recovered")
            .build(),
        StepReply.newBuilder()
            .setStep("inventory")
            .setAttempt(1)
            .setCommandId("cmd-1")
            .setOutcome(StepOutcome.BUSINESS_FAILURE)
            .setErrorCode("OUT_OF_STOCK")
            .setErrorMessage("SKU-1 sold out")
            .setStepResult(framed)
            .build(),
        SagaEvent.newBuilder()
            .setSagaId("saga-1")
            .setSagaType("order-fulfilment")
            .setDefinitionVersion(1)
            .setEventType(SagaEventType.STEP_RETRY_SCHEDULED)
            .setStep("payment")
            .setAttempt(2)
            .setStatus("RUNNING")
            .setReason("TIMEOUT")
            .setAt(AT)
            .build(),
        DeadLetter.newBuilder()
            .setReason(DeadLetterReason.DESERIALIZATION_FAILED)
            .setDetail("unknown magic byte 7")
            .setSourceTopic("saga.replies")
            .setSourcePartition(3)
            .setSourceOffset(42L)
            .setSagaId("saga-1")
            .setOriginalKey(ByteBuffer.wrap(new byte[] {115}))
            .setOriginalValue(ByteBuffer.wrap(new byte[] {7, 7}))
            .setFailedAt(AT)
            .build(),
        stateRecord(),
        orderData(),
        ReserveInventory.newBuilder().setOrderId("order-1").setLines(lines()).build(),
        ReleaseInventory.newBuilder().setOrderId("order-1").setReservationId("res-1").build(),
        AuthorizePayment.newBuilder()
            .setOrderId("order-1")
            .setCustomerId("customer-7")
            .setAmount(new BigDecimal("1234.50"))
            .setCurrency("EUR")
            .setPaymentToken("tok_secret_123")
            .build(),
        VoidPaymentAuthorization.newBuilder()
            .setOrderId("order-1")
            .setAuthorizationId("auth-1")
            .build(),
        CapturePayment.newBuilder()
            .setOrderId("order-1")
            .setAuthorizationId("auth-1")
            .setAmount(new BigDecimal("0.01"))
            .setCurrency("EUR")
            .build(),
        BookShipment.newBuilder()
            .setOrderId("order-1")
            .setShippingAddress(address())
            .setLines(lines())
            .build(),
        SendConfirmation.newBuilder()
            .setOrderId("order-1")
            .setCustomerEmail("ada@example.org")
            .setCaptureId("cap-1")
            .build(),
        InventoryReserved.newBuilder().setReservationId("res-1").build(),
        PaymentAuthorized.newBuilder()
            .setAuthorizationId("auth-1")
            .setAuthorizedAmount(new BigDecimal("9999999999.99"))
            .setCurrency("EUR")
            .build(),
        PaymentCaptured.newBuilder().setCaptureId("cap-1").build(),
        ShipmentBooked.newBuilder()
            .setShipmentId("ship-1")
            .setCarrier("DHL")
            .setTrackingNumber("00340434")
            .build(),
        ConfirmationSent.newBuilder().setMessageId("msg-1").build());
  }

  static SagaStateRecord stateRecord() {
    return SagaStateRecord.newBuilder()
        .setSagaId("saga-1")
        .setSagaType("order-fulfilment")
        .setDefinitionVersion(1)
        .setStatus("COMPENSATING")
        .setData(ByteBuffer.wrap(new byte[] {0, 0, 0, 0, 1, 0}))
        .setSteps(
            List.of(
                StepStateRecord.newBuilder()
                    .setName("inventory")
                    .setStatus("SUCCEEDED")
                    .setAttempt(1)
                    .setCommandId(null)
                    .setStartedAt(AT)
                    .setFinishedAt(AT.plusSeconds(1))
                    .build(),
                StepStateRecord.newBuilder()
                    .setName("payment")
                    .setStatus("FAILED")
                    .setAttempt(3)
                    .setCommandId("cmd-3")
                    .setCompensationAttempt(0)
                    .setLastErrorCode("DECLINED")
                    .setLastErrorMessage("card declined")
                    .setStartedAt(AT)
                    .setFinishedAt(null)
                    .build()))
        .setTimers(
            List.of(
                TimerRecord.newBuilder()
                    .setTimerId("t-1")
                    .setKind("COMPENSATION_RETRY")
                    .setStep("inventory")
                    .setAttempt(1)
                    .setDueAt(AT.plusSeconds(30))
                    .build()))
        .setHistory(
            List.of(
                TransitionRecord.newBuilder()
                    .setAt(AT)
                    .setFrom("RUNNING")
                    .setTo("COMPENSATING")
                    .setCause("StepReply payment BUSINESS_FAILURE")
                    .build()))
        .setTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
        .setLastError("DECLINED: card declined")
        .setCreatedAt(AT)
        .setUpdatedAt(AT.plusSeconds(2))
        .build();
  }
}
