package io.sagaflow.topology;

import static io.sagaflow.examples.order.OrderFulfilmentSaga.INVENTORY;
import static io.sagaflow.examples.order.OrderFulfilmentSaga.PAYMENT;
import static io.sagaflow.topology.SagaSpanAttributes.ERROR_TYPE;
import static io.sagaflow.topology.SagaSpanAttributes.SAGA_ATTEMPT;
import static io.sagaflow.topology.SagaSpanAttributes.SAGA_COMMAND_ID;
import static io.sagaflow.topology.SagaSpanAttributes.SAGA_COMPENSATION;
import static io.sagaflow.topology.SagaSpanAttributes.SAGA_ERROR_CODE;
import static io.sagaflow.topology.SagaSpanAttributes.SAGA_ID;
import static io.sagaflow.topology.SagaSpanAttributes.SAGA_OPERATOR_ACTION;
import static io.sagaflow.topology.SagaSpanAttributes.SAGA_OUTCOME;
import static io.sagaflow.topology.SagaSpanAttributes.SAGA_STATUS;
import static io.sagaflow.topology.SagaSpanAttributes.SAGA_STEP;
import static io.sagaflow.topology.SagaSpanAttributes.SAGA_TIMER_KIND;
import static io.sagaflow.topology.SagaSpanAttributes.SAGA_VERDICT;
import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.sagaflow.contract.OperatorAction;
import io.sagaflow.contract.StepOutcome;
import io.sagaflow.contract.StepReply;
import io.sagaflow.examples.order.InventoryReserved;
import io.sagaflow.examples.order.PaymentAuthorized;
import io.sagaflow.serde.SagaHeaders;
import io.sagaflow.testkit.internals.ContractRecords;
import io.sagaflow.topology.SagaDriver.Command;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The coordinator's spans as a trace viewer would show them, read back from OpenTelemetry's
 * in-memory exporter while the topology runs in a TopologyTestDriver.
 */
class DecisionTracerTest {
  private static final String START_CONTEXT =
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private final OpenTelemetrySdk sdk =
      OpenTelemetrySdk.builder()
          .setTracerProvider(
              SdkTracerProvider.builder()
                  .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                  .build())
          .build();
  private final SagaDriver saga = SagaDriver.traced(sdk);

  @AfterEach
  void close() {
    saga.close();
    sdk.close();
  }

  @Test
  void shouldTraceACompensatingSagaAsOneTraceWithItsCompensationsInReverseOrder() {
    // Given a saga started without a trace context, whose capture is refused after two steps
    saga.start("tr-1", SagaDriver.order("order-tr-1"), Optional.empty());
    Command reserve = saga.onlyCommand(INVENTORY);
    saga.succeed(reserve, new InventoryReserved("res-1"));
    saga.succeed(
        saga.onlyCommand(PAYMENT), new PaymentAuthorized("auth-1", new BigDecimal("42.50"), "EUR"));
    Command capture = saga.onlyCommand(PAYMENT);
    saga.failBusiness(capture, "CAPTURE_REJECTED");
    saga.succeedWithoutResult(saga.onlyCommand(PAYMENT));
    saga.succeedWithoutResult(saga.onlyCommand(INVENTORY));
    assertThat(saga.status("tr-1")).isEqualTo("COMPENSATED");

    // Then every span is in the one trace derived from the saga id
    List<SpanData> spans = exporter.getFinishedSpanItems();
    String trace = TraceParents.traceId(TraceParents.derived("tr-1")).orElseThrow();
    assertThat(spans).isNotEmpty().allMatch(s -> s.getTraceId().equals(trace));
    assertThat(spans).allMatch(s -> "tr-1".equals(s.getAttributes().get(SAGA_ID)));

    // And there is a span per decision, the start's sending the first command
    List<SpanData> decisions = named(spans, "decide ");
    assertThat(decisions).extracting(SpanData::getName).first().isEqualTo("decide START");
    assertThat(decisions).hasSize(6);
    assertThat(decisions.get(0).getEvents())
        .extracting(EventData::getName)
        .containsExactly("command sent");
    assertThat(decisions.get(5).getAttributes().get(SAGA_STATUS)).isEqualTo("COMPENSATED");
    assertThat(decisions).allMatch(s -> "APPLIED".equals(s.getAttributes().get(SAGA_VERDICT)));

    // And a span per command, the refused capture marked failed with its code, and the
    // compensations last, payment before inventory
    List<String> commands = spans.stream().map(SpanData::getName).filter(this::isCommand).toList();
    assertThat(commands)
        .containsExactly(
            "command reserve-inventory",
            "command authorize-payment",
            "command capture-payment",
            "compensate authorize-payment",
            "compensate reserve-inventory");
    SpanData refused = only(spans, "command capture-payment");
    assertThat(refused.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(refused.getAttributes().get(SAGA_ERROR_CODE)).isEqualTo("CAPTURE_REJECTED");
    assertThat(refused.getAttributes().get(SAGA_OUTCOME)).isEqualTo("BUSINESS_FAILURE");
    assertThat(refused.getAttributes().get(SAGA_COMMAND_ID))
        .isEqualTo(capture.commandId().toString());
    assertThat(only(spans, "compensate reserve-inventory").getAttributes().get(SAGA_COMPENSATION))
        .isTrue();
    // A command span starts when its command went out, before the decision that closes it
    SpanData reserveSpan = only(spans, "command reserve-inventory");
    assertThat(reserveSpan.getStartEpochNanos())
        .isLessThanOrEqualTo(reserveSpan.getEndEpochNanos());

    // And the commands carry the trace on to the participants
    assertThat(TraceParents.traceId(reserve.header(SagaHeaders.TRACEPARENT))).contains(trace);
  }

  @Test
  void shouldTraceTimeoutsRetriesOperatorsAndLinkAReplysOwnContext() {
    // Given a saga started with a caller's trace context
    saga.start("tr-2", SagaDriver.order("order-tr-2"), Optional.of(START_CONTEXT));
    Command first = saga.onlyCommand(INVENTORY);

    // When the first attempt fails retriably, in a reply that carries the participant's context
    StepReply busy =
        ContractRecords.stepReply(
            first.step(),
            first.attempt(),
            first.commandId(),
            StepOutcome.RETRIABLE_FAILURE,
            Optional.of("DB_BUSY"),
            Optional.of("try later"),
            Optional.empty());
    Headers headers = new RecordHeaders();
    headers.add(SagaHeaders.CE_SUBJECT, "tr-2".getBytes(StandardCharsets.UTF_8));
    String participant = "00-4bf92f3577b34da6a3ce929d0e0e4736-1111111111111111-01";
    headers.add(SagaHeaders.TRACEPARENT, participant.getBytes(StandardCharsets.UTF_8));
    saga.pipeReply("tr-2", busy, headers);
    // and the retry, sent after the back-off, is never answered
    saga.tick(Duration.ofSeconds(1));
    Command second = saga.onlyCommand(INVENTORY);
    saga.tick(Duration.ofSeconds(11));
    // and an operator asks for something the saga refuses while it runs
    saga.operator("tr-2", OperatorAction.SKIP_STEP, "reserve-inventory");

    // Then everything is in the caller's trace
    List<SpanData> spans = exporter.getFinishedSpanItems();
    assertThat(spans).allMatch(s -> s.getTraceId().equals("4bf92f3577b34da6a3ce929d0e0e4736"));

    // And the retriable failure is the first attempt's span, with its code
    SpanData failed =
        spans.stream()
            .filter(s -> s.getName().equals("command reserve-inventory"))
            .filter(s -> Long.valueOf(1).equals(s.getAttributes().get(SAGA_ATTEMPT)))
            .findFirst()
            .orElseThrow();
    assertThat(failed.getAttributes().get(SAGA_OUTCOME)).isEqualTo("RETRIABLE_FAILURE");
    assertThat(failed.getAttributes().get(SAGA_ERROR_CODE)).isEqualTo("DB_BUSY");

    // And the reply's decision links the participant's span rather than joining its trace
    SpanData replyDecision = named(spans, "decide REPLY").get(0);
    assertThat(replyDecision.getLinks())
        .singleElement()
        .satisfies(l -> assertThat(l.getSpanContext().getSpanId()).isEqualTo("1111111111111111"));

    // And the timeout is a timer decision and closes the second attempt's span as timed out
    SpanData timeout =
        named(spans, "decide TIMER").stream()
            .filter(s -> "STEP_TIMEOUT".equals(s.getAttributes().get(SAGA_TIMER_KIND)))
            .findFirst()
            .orElseThrow();
    assertThat(timeout.getAttributes().get(SAGA_STEP)).isEqualTo("reserve-inventory");
    SpanData timedOut =
        spans.stream()
            .filter(s -> s.getName().equals("command reserve-inventory"))
            .filter(s -> "TIMED_OUT".equals(s.getAttributes().get(SAGA_OUTCOME)))
            .findFirst()
            .orElseThrow();
    assertThat(timedOut.getAttributes().get(SAGA_COMMAND_ID))
        .isEqualTo(second.commandId().toString());
    assertThat(timedOut.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);

    // And the operator's command is a decision naming its action and step
    SpanData operator = only(spans, "decide OPERATOR");
    assertThat(operator.getAttributes().get(SAGA_OPERATOR_ACTION)).isEqualTo("SKIP_STEP");
    assertThat(operator.getAttributes().get(SAGA_STEP)).isEqualTo("reserve-inventory");
  }

  @Test
  void shouldMarkAFailedDecisionWithTheExceptionsClassOnly() {
    Span span = sdk.getTracer("test").spanBuilder("decide REPLY").startSpan();
    DecisionTracer.failed(span, new IllegalStateException("card 4111 1111 1111 1111 refused"));
    span.end();

    SpanData data = only(exporter.getFinishedSpanItems(), "decide REPLY");
    assertThat(data.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(data.getStatus().getDescription()).isEqualTo("IllegalStateException");
    assertThat(data.getAttributes().get(ERROR_TYPE))
        .isEqualTo(IllegalStateException.class.getName());
    // Nor is the message kept anywhere else a span carries text (not the whole span's text: its
    // ids and timestamps are random digits, which may well contain these)
    assertThat(data.getAttributes().asMap().values().toString()).doesNotContain("4111");
    assertThat(data.getEvents())
        .allSatisfy(
            event ->
                assertThat(event.getName() + event.getAttributes().asMap().values())
                    .doesNotContain("4111"));
    assertThat(data.getLinks()).isEmpty();
  }

  @Test
  void shouldHandOnTheDecisionsContextOnlyWhileItIsRecorded() {
    Optional<String> saga = Optional.of(START_CONTEXT);
    // Without a recording span, records carry the saga's context unchanged
    assertThat(DecisionTracer.outboundTraceparent(saga)).isEqualTo(saga);

    Span span =
        new DecisionTracer(sdk)
            .startDecision("tr-3", "START", saga, Optional.of("not a traceparent"));
    try (Scope scope = span.makeCurrent()) {
      // With one, they carry the decision's span, in the saga's trace
      String outbound = DecisionTracer.outboundTraceparent(saga).orElseThrow();
      assertThat(outbound).contains("4bf92f3577b34da6a3ce929d0e0e4736");
      assertThat(outbound).contains(span.getSpanContext().getSpanId());
    } finally {
      span.end();
    }
    // A context that is no traceparent is not linked
    assertThat(only(exporter.getFinishedSpanItems(), "decide START").getLinks()).isEmpty();
  }

  private boolean isCommand(String name) {
    return name.startsWith("command ") || name.startsWith("compensate ");
  }

  private static List<SpanData> named(List<SpanData> spans, String prefix) {
    return spans.stream().filter(s -> s.getName().startsWith(prefix)).toList();
  }

  private static SpanData only(List<SpanData> spans, String name) {
    List<SpanData> matching = spans.stream().filter(s -> s.getName().equals(name)).toList();
    assertThat(matching).as("spans named %s", name).hasSize(1);
    return matching.get(0);
  }
}
