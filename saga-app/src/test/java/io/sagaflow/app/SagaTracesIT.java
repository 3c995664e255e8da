package io.sagaflow.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.sagaflow.app.config.SagaflowConfig;
import io.sagaflow.app.demo.StartRequests;
import io.sagaflow.engine.SagaRegistry;
import io.sagaflow.engine.SagaStatus;
import io.sagaflow.examples.order.AuthorizePayment;
import io.sagaflow.examples.order.CapturePayment;
import io.sagaflow.examples.order.InventoryReserved;
import io.sagaflow.examples.order.PaymentAuthorized;
import io.sagaflow.examples.order.ReleaseInventory;
import io.sagaflow.examples.order.ReserveInventory;
import io.sagaflow.examples.order.VoidPaymentAuthorization;
import io.sagaflow.participant.Participant;
import io.sagaflow.participant.Reply;
import io.sagaflow.topology.SagaSpanAttributes;
import io.sagaflow.topology.TraceParents;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Traces on the real broker, captured by OpenTelemetry's in-memory exporter: a saga that
 * compensates is one trace holding every decision, every command and the participants' spans, and a
 * command a timer sends after the processor restarted still joins its saga's trace.
 */
class SagaTracesIT {
  private static final String COMPENSATED = "it-trace-compensated";
  private static final String RESTARTED = "it-trace-restarted";
  private static final AttributeKey<String> INPUT = SagaSpanAttributes.SAGA_INPUT;

  @Test
  void shouldTraceEachSagaAsOneTraceAcrossDecisionsCommandsParticipantsAndARestart(
      @TempDir Path work) throws Exception {
    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    OpenTelemetrySdk sdk =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                    .build())
            .build();
    AtomicInteger restartedAuthorizations = new AtomicInteger();
    try (SagaCluster cluster = SagaCluster.start(work);
        Tracing tracing = Tracing.with(sdk)) {
      SagaflowConfig config =
          cluster.config(work.resolve("instance"), Map.of("saga.topics.partitions", "1"));
      SagaRegistry sagas = TestModules.onClassPath().registry();
      TopicProvisioner.ensure(config, SagaflowTopics.all(sagas, config.dlqRetention()));
      try (SagaCluster.Watch watch = cluster.watch(config, "it-trace-", 2);
          Participant inventory = inventory(cluster, sdk);
          Participant payment = payment(cluster, sdk, restartedAuthorizations)) {
        // Given a saga whose capture is refused, and one whose first authorization goes unanswered
        Instant restartedAt;
        try (SagaProcessor processor =
            SagaProcessor.start(config, sagas, cluster.schemas, tracing)) {
          send(cluster, config, List.of(COMPENSATED, RESTARTED));
          await()
              .atMost(Duration.ofSeconds(60))
              .until(() -> watch.now().count(SagaStatus.COMPENSATED) == 1);
          await().atMost(Duration.ofSeconds(30)).until(() -> restartedAuthorizations.get() == 1);
        }
        // When the processor restarts before that authorization's timeout, which then fires
        restartedAt = Instant.now();
        try (SagaProcessor processor =
            SagaProcessor.start(config, sagas, cluster.schemas, tracing)) {
          await()
              .atMost(Duration.ofSeconds(60))
              .until(() -> watch.now().count(SagaStatus.COMPENSATED) == 2);
        }
        sdk.getSdkTracerProvider().forceFlush().join(10, TimeUnit.SECONDS);
        List<SpanData> spans = exporter.getFinishedSpanItems();

        // Then the compensated saga is one trace: every decision, every command, participants
        List<SpanData> compensated = ofSaga(spans, COMPENSATED);
        assertThat(compensated).extracting(SpanData::getTraceId).containsOnly(traceId(COMPENSATED));
        assertThat(
                decisions(compensated).stream()
                    .map(s -> s.getAttributes().get(INPUT) + " " + step(s))
                    .toList())
            .containsExactly(
                "START null",
                "REPLY reserve-inventory",
                "REPLY authorize-payment",
                "REPLY capture-payment",
                "REPLY authorize-payment",
                "REPLY reserve-inventory");
        List<SpanData> commands = commands(compensated);
        assertThat(commands)
            .extracting(SpanData::getName)
            .containsExactly(
                "command reserve-inventory",
                "command authorize-payment",
                "command capture-payment",
                "compensate authorize-payment",
                "compensate reserve-inventory");
        assertThat(commands.subList(3, 5))
            .allMatch(s -> s.getAttributes().get(SagaSpanAttributes.SAGA_COMPENSATION));
        assertThat(commands.get(2).getAttributes().get(SagaSpanAttributes.SAGA_OUTCOME))
            .isEqualTo("BUSINESS_FAILURE");
        // Each command span is the command a decision sent and a participant processed
        Set<String> sent = sentCommandIds(decisions(compensated));
        assertThat(commands)
            .extracting(s -> s.getAttributes().get(SagaSpanAttributes.SAGA_COMMAND_ID))
            .containsExactlyInAnyOrderElementsOf(sent);
        assertThat(participantSpans(compensated))
            .extracting(s -> s.getAttributes().get(SagaSpanAttributes.SAGA_COMMAND_ID))
            .containsExactlyInAnyOrderElementsOf(sent);

        // And the command a timer sent after the restart joined the other saga's trace
        List<SpanData> restarted = ofSaga(spans, RESTARTED);
        assertThat(restarted).extracting(SpanData::getTraceId).containsOnly(traceId(RESTARTED));
        SpanData retry =
            decisions(restarted).stream()
                .filter(s -> "TIMER".equals(s.getAttributes().get(INPUT)))
                .filter(
                    s ->
                        s.getEvents().stream()
                            .anyMatch(
                                e ->
                                    Long.valueOf(2)
                                        .equals(
                                            e.getAttributes()
                                                .get(SagaSpanAttributes.SAGA_ATTEMPT))))
                .findFirst()
                .orElseThrow();
        assertThat(Instant.ofEpochSecond(0, retry.getStartEpochNanos())).isAfter(restartedAt);
        Set<String> retried = sentCommandIds(List.of(retry));
        assertThat(retried).hasSize(1);
        assertThat(participantSpans(restarted))
            .filteredOn(
                s -> retried.contains(s.getAttributes().get(SagaSpanAttributes.SAGA_COMMAND_ID)))
            .singleElement()
            .satisfies(
                s -> {
                  assertThat(s.getTraceId()).isEqualTo(traceId(RESTARTED));
                  assertThat(s.getAttributes().get(SagaSpanAttributes.SAGA_ATTEMPT)).isEqualTo(2L);
                });
        assertThat(commands(restarted))
            .filteredOn(s -> "command authorize-payment".equals(s.getName()))
            .extracting(s -> s.getAttributes().get(SagaSpanAttributes.SAGA_OUTCOME))
            .containsExactly("TIMED_OUT", "SUCCEEDED");
      }
    }
  }

  private static Participant inventory(SagaCluster cluster, OpenTelemetrySdk sdk) {
    return kit(cluster, sdk, "inventory.commands")
        .onAction(
            ReserveInventory.class,
            (command, context) ->
                Reply.success(new InventoryReserved("res-" + context.commandId())))
        .onCompensation(ReleaseInventory.class, (command, context) -> Reply.success())
        .start();
  }

  private static Participant payment(
      SagaCluster cluster, OpenTelemetrySdk sdk, AtomicInteger restartedAuthorizations) {
    return kit(cluster, sdk, "payment.commands")
        .onAction(
            AuthorizePayment.class,
            (command, context) -> {
              if (RESTARTED.equals(context.sagaId())
                  && restartedAuthorizations.incrementAndGet() == 1) {
                return Reply.none();
              }
              return Reply.success(
                  PaymentAuthorized.newBuilder()
                      .setAuthorizationId("auth-" + context.commandId())
                      .setAuthorizedAmount(command.getAmount())
                      .setCurrency(command.getCurrency())
                      .build());
            })
        .onAction(
            CapturePayment.class,
            (command, context) -> Reply.businessFailure("CAPTURE_REFUSED", "refused in the test"))
        .onCompensation(VoidPaymentAuthorization.class, (command, context) -> Reply.success())
        .start();
  }

  private static Participant.Builder kit(SagaCluster cluster, OpenTelemetrySdk sdk, String topic) {
    return Participant.builder()
        .name(topic)
        .bootstrapServers(cluster.bootstrapServers())
        .schemaRegistry(cluster.schemas)
        .autoRegisterSchemas(true)
        .commandTopic(topic)
        .groupId("it-trace-" + topic)
        .openTelemetry(sdk);
  }

  private static void send(SagaCluster cluster, SagaflowConfig config, List<String> sagaIds) {
    try (StartRequests requests =
        new StartRequests(
            config,
            cluster.schemas,
            config.participants().seed(),
            TestModules.onClassPath().classLoader())) {
      requests.send(TestModules.orders(), sagaIds, () -> {});
    }
  }

  private static String traceId(String sagaId) {
    return TraceParents.traceId(TraceParents.derived(sagaId)).orElseThrow();
  }

  private static List<SpanData> ofSaga(List<SpanData> spans, String sagaId) {
    return spans.stream()
        .filter(s -> sagaId.equals(s.getAttributes().get(SagaSpanAttributes.SAGA_ID)))
        .sorted(Comparator.comparingLong(SpanData::getStartEpochNanos))
        .toList();
  }

  private static List<SpanData> decisions(List<SpanData> spans) {
    return spans.stream().filter(s -> s.getName().startsWith("decide ")).toList();
  }

  private static List<SpanData> commands(List<SpanData> spans) {
    return spans.stream()
        .filter(s -> s.getName().startsWith("command ") || s.getName().startsWith("compensate "))
        .toList();
  }

  private static List<SpanData> participantSpans(List<SpanData> spans) {
    return spans.stream().filter(s -> s.getName().endsWith(" process")).toList();
  }

  private static Set<String> sentCommandIds(List<SpanData> decisions) {
    return decisions.stream()
        .flatMap(s -> s.getEvents().stream())
        .map(EventData::getAttributes)
        .map(a -> a.get(SagaSpanAttributes.SAGA_COMMAND_ID))
        .filter(Objects::nonNull)
        .collect(Collectors.toSet());
  }

  private static String step(SpanData span) {
    return span.getAttributes().get(SagaSpanAttributes.SAGA_STEP);
  }
}
