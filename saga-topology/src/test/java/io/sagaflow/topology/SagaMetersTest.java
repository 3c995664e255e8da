package io.sagaflow.topology;

import static io.sagaflow.examples.order.OrderFulfilmentSaga.INVENTORY;
import static io.sagaflow.examples.order.OrderFulfilmentSaga.NOTIFICATION;
import static io.sagaflow.examples.order.OrderFulfilmentSaga.PAYMENT;
import static io.sagaflow.examples.order.OrderFulfilmentSaga.SHIPPING;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sagaflow.contract.SagaEvent;
import io.sagaflow.contract.SagaEventType;
import io.sagaflow.examples.order.ConfirmationSent;
import io.sagaflow.examples.order.InventoryReserved;
import io.sagaflow.examples.order.OrderFulfilmentSaga;
import io.sagaflow.examples.order.PaymentAuthorized;
import io.sagaflow.examples.order.PaymentCaptured;
import io.sagaflow.examples.order.ShipmentBooked;
import io.sagaflow.topology.SagaDriver.Command;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SagaMetersTest {
  private static final String TYPE = OrderFulfilmentSaga.TYPE;
  private static final Duration STEP = Duration.ofMillis(300);

  private final SagaDriver saga = new SagaDriver();
  private final SimpleMeterRegistry exported = new SimpleMeterRegistry();

  {
    saga.counters.registry().add(exported);
  }

  @AfterEach
  void close() {
    saga.close();
  }

  private void complete(String sagaId) {
    saga.start(sagaId);
    saga.tick(STEP);
    saga.succeed(saga.onlyCommand(INVENTORY), new InventoryReserved("res"));
    saga.tick(STEP);
    saga.succeed(
        saga.onlyCommand(PAYMENT), new PaymentAuthorized("auth", new BigDecimal("42.50"), "EUR"));
    saga.tick(STEP);
    saga.succeed(saga.onlyCommand(PAYMENT), new PaymentCaptured("cap"));
    saga.tick(STEP);
    saga.succeed(saga.onlyCommand(SHIPPING), new ShipmentBooked("ship", "DHL", null));
    saga.succeed(saga.onlyCommand(NOTIFICATION), new ConfirmationSent("msg"));
  }

  private void compensate(String sagaId) {
    saga.start(sagaId);
    saga.succeed(saga.onlyCommand(INVENTORY), new InventoryReserved("res"));
    saga.failBusiness(saga.onlyCommand(PAYMENT), "CARD_DECLINED");
    saga.succeedWithoutResult(saga.onlyCommand(INVENTORY));
  }

  private Timer timer(SagaMetric metric, String... tags) {
    return exported.get(metric.meterName()).tags(tags).timer();
  }

  @Test
  void shouldCountOutcomesByTypeAndVersionAsTheEventsTellThem() {
    // Given two sagas that complete and one that compensates
    complete("m1");
    complete("m2");
    compensate("m3");
    String version = Integer.toString(saga.state("m1").orElseThrow().getDefinitionVersion());

    // Then the counters say what saga.events says, by type and version
    long startedEvents =
        saga.events().stream()
            .map(SagaEvent::getEventType)
            .filter(SagaEventType.SAGA_STARTED::equals)
            .count();
    assertThat(saga.counters.get("sagas.started." + TYPE + "." + version))
        .isEqualTo(startedEvents)
        .isEqualTo(3);
    assertThat(saga.counters.get("sagas.completed." + TYPE + "." + version)).isEqualTo(2);
    assertThat(saga.counters.get("sagas.compensated." + TYPE + "." + version)).isEqualTo(1);
    assertThat(saga.counters.total(SagaMetric.SAGAS_FAILED)).isZero();
    // And they are exported under the catalogue's name and tags
    assertThat(
            exported
                .get("sagaflow.sagas.completed")
                .tags("saga_type", TYPE, "version", version)
                .functionCounter()
                .count())
        .isEqualTo(2.0);
  }

  @Test
  void shouldTimeEveryStepOutcomeOnceAndEverySagaFromStartToEnd() {
    // Given a saga whose steps each took 300 ms, and one declined at authorization
    complete("m1");
    compensate("m2");

    // Then each step outcome is one sample of the step latency, timed from its command
    Timer reserve = timer(SagaMetric.STEP_DURATION, "step", "reserve-inventory");
    assertThat(reserve.count()).isEqualTo(2);
    Timer authorized =
        timer(
            SagaMetric.STEP_DURATION,
            "saga_type",
            TYPE,
            "step",
            "authorize-payment",
            "outcome",
            "succeeded");
    assertThat(authorized.count()).isEqualTo(1);
    assertThat(authorized.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(300.0);
    assertThat(
            timer(SagaMetric.STEP_DURATION, "step", "authorize-payment", "outcome", "failed")
                .count())
        .isEqualTo(1);
    long stepEvents =
        saga.events().stream()
            .map(SagaEvent::getEventType)
            .filter(t -> t == SagaEventType.STEP_SUCCEEDED || t == SagaEventType.STEP_FAILED)
            .count();
    assertThat(saga.counters.total(SagaMetric.STEP_DURATION)).isEqualTo(stepEvents).isEqualTo(7);
    // And its histogram has the SLO buckets: the 300 ms sample is under 500 ms, not under 250 ms
    CountAtBucket[] buckets = authorized.takeSnapshot().histogramCounts();
    assertThat(buckets).hasSize(SagaMetric.SLO_BUCKETS.size());
    assertThat(Arrays.stream(buckets).filter(b -> b.bucket() == 0.25e9).findFirst())
        .hasValueSatisfying(b -> assertThat(b.count()).isZero());
    assertThat(Arrays.stream(buckets).filter(b -> b.bucket() == 0.5e9).findFirst())
        .hasValueSatisfying(b -> assertThat(b.count()).isEqualTo(1));
    // And each saga's duration is timed by outcome
    assertThat(timer(SagaMetric.SAGA_DURATION, "outcome", "completed").count()).isEqualTo(1);
    assertThat(
            timer(SagaMetric.SAGA_DURATION, "outcome", "completed")
                .totalTime(TimeUnit.MILLISECONDS))
        .isEqualTo(1200.0);
    assertThat(timer(SagaMetric.SAGA_DURATION, "outcome", "compensated").count()).isEqualTo(1);
  }

  @Test
  void shouldCountTimeoutsAndTheRetriesTheyCause() {
    // Given a saga waiting on its inventory reservation
    saga.start("m1");
    saga.onlyCommand(INVENTORY);

    // When its step timeout passes
    saga.tick(Duration.ofSeconds(10));

    // Then one step timeout is counted, and the retry it scheduled
    assertThat(saga.counters.get("timeouts." + TYPE + ".reserve-inventory.step")).isEqualTo(1);
    assertThat(saga.counters.get("retries." + TYPE + ".reserve-inventory.action")).isEqualTo(1);
  }

  @Test
  void shouldGaugeSagasByStatusFromTheIndexWithoutScanningPerRead() {
    SagaGauges gauges = saga.counters.gauges();
    // Given two sagas started a second apart, both waiting
    saga.start("m1");
    Command reserve = saga.onlyCommand(INVENTORY);
    saga.tick(Duration.ofSeconds(1));
    saga.start("m2");
    saga.onlyCommand(INVENTORY);
    assertThat(gauges.count("RUNNING", TYPE)).isEqualTo(2);
    assertThat(gauges.oldest("RUNNING")).contains(SagaDriver.T0);
    assertThat(exported.get("sagaflow.sagas").tags("status", "RUNNING").gauge().value())
        .isEqualTo(2.0);

    // When the older one is declined and compensates
    saga.succeed(reserve, new InventoryReserved("res"));
    saga.failBusiness(saga.onlyCommand(PAYMENT), "CARD_DECLINED");
    assertThat(gauges.count("RUNNING", TYPE)).isEqualTo(1);
    assertThat(gauges.count("COMPENSATING", TYPE)).isEqualTo(1);
    saga.succeedWithoutResult(saga.onlyCommand(INVENTORY));

    // Then only the younger one is RUNNING, and the next refresh makes it the oldest
    assertThat(gauges.count("RUNNING", TYPE)).isEqualTo(1);
    assertThat(gauges.count("COMPENSATING", TYPE)).isZero();
    saga.tick(SagaGauges.REFRESH);
    assertThat(gauges.oldest("RUNNING")).contains(SagaDriver.T0.plusSeconds(1));
    assertThat(gauges.oldest("STUCK")).isEmpty();
  }
}
