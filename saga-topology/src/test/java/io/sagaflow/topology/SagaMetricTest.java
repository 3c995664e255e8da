package io.sagaflow.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SagaMetricTest {

  @Test
  void shouldReadBackTheEntryAndKindOfEverySingleTagCounterItNames() {
    assertThat(SagaMetric.values())
        .filteredOn(m -> m.type() == SagaMetric.Type.COUNTER && m.tags().size() == 1)
        .isNotEmpty()
        .allSatisfy(
            m ->
                assertThat(SagaMetric.parse(m.counterName("SOME_KIND")))
                    .contains(new SagaMetric.Counted(m, "SOME_KIND")));
  }

  @Test
  void shouldKeepTheCounterKeysAndMeterNamesDashboardsAlreadyUse() {
    assertThat(SagaMetric.INPUT.counterName("APPLIED")).isEqualTo("input.APPLIED");
    assertThat(SagaMetric.DEAD_LETTER_STORE.counterName("no-saga"))
        .isEqualTo("dead-letter-store.no-saga");
    assertThat(SagaMetric.INVARIANT_VIOLATED.counterName("ONE_PENDING_COMMAND"))
        .isEqualTo("invariant.violated.ONE_PENDING_COMMAND");
    assertThat(SagaMetric.DEAD_LETTER.meterName()).isEqualTo("sagaflow.dead-letter");
    assertThat(SagaMetric.INPUT.prometheusName()).isEqualTo("sagaflow_input_total");
    assertThat(SagaMetric.DEAD_LETTER_STORE.prometheusName())
        .isEqualTo("sagaflow_dead_letter_store_total");
    assertThat(SagaMetric.DEAD_LETTER.tag()).isEqualTo("reason");
    assertThat(SagaMetric.INVARIANT_VIOLATED.tag()).isEqualTo("invariant");
  }

  @Test
  void shouldSplitAtTheLongestEntryNameAndKnowNothingOutsideTheCatalogue() {
    assertThat(SagaMetric.parse("invariant.violated.X"))
        .contains(new SagaMetric.Counted(SagaMetric.INVARIANT_VIOLATED, "X"));
    assertThat(SagaMetric.parse("dead-letter-store.failed"))
        .contains(new SagaMetric.Counted(SagaMetric.DEAD_LETTER_STORE, "failed"));
    assertThat(SagaMetric.parse("inventory.unreadable")).isEmpty();
    assertThat(SagaMetric.parse("input")).isEmpty();
  }

  @Test
  void shouldNameEveryMeterTheWayPrometheusExpectsAndNeverTagBySagaId() {
    assertThat(SagaMetric.STEP_DURATION.prometheusName())
        .isEqualTo("sagaflow_step_duration_seconds");
    assertThat(SagaMetric.OLDEST_SAGA_AGE.prometheusName())
        .isEqualTo("sagaflow_oldest_saga_age_seconds");
    assertThat(SagaMetric.SAGAS.prometheusName()).isEqualTo("sagaflow_sagas");
    assertThat(SagaMetric.SAGAS_STARTED.prometheusName()).isEqualTo("sagaflow_sagas_started_total");
    assertThat(SagaMetric.values())
        .allSatisfy(
            m -> {
              assertThat(m.prometheusName()).matches("sagaflow_[a-z_]+");
              assertThat(m.tags()).allMatch(t -> t.matches("[a-z_]+")).doesNotContain("saga_id");
            });
    assertThat(SagaMetric.byPrometheusName("sagaflow_timeouts_total"))
        .contains(SagaMetric.TIMEOUTS);
  }

  @Test
  void shouldRefuseTagValuesThatDoNotMatchTheEntrysTags() {
    org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
        .isThrownBy(() -> new SagaCounters().count(SagaMetric.SAGAS_STARTED, "order-fulfilment"))
        .withMessageContaining("saga_type");
  }

  @Test
  void shouldDescribeEveryEntryInOneLine() {
    assertThat(Arrays.stream(SagaMetric.values()).map(SagaMetric::description))
        .allSatisfy(d -> assertThat(d).isNotBlank().doesNotContain("\n"));
  }

  @Test
  void shouldCountByEntryAndKindAndTotalOverKinds() {
    SagaCounters counters = new SagaCounters();

    counters.increment(SagaMetric.INPUT, "APPLIED");
    counters.increment(SagaMetric.INPUT, "DUPLICATE");
    counters.increment(SagaMetric.TIMER, "APPLIED");
    counters.increment("inventory.unreadable");

    assertThat(counters.get("input.APPLIED")).isEqualTo(1);
    assertThat(counters.total(SagaMetric.INPUT)).isEqualTo(2);
    assertThat(counters.total(SagaMetric.DEAD_LETTER)).isZero();
  }

  @Test
  void shouldKeepOneCounterPerKindWhicheverWayItIsCountedAndExportItOnce() {
    SagaCounters counters = new SagaCounters();

    counters.increment(SagaMetric.INPUT, "APPLIED");
    counters.count(SagaMetric.INPUT, "APPLIED");
    counters.increment("input.APPLIED");
    counters.increment(SagaMetric.INPUT, "APPLIED");

    assertThat(counters.get("input.APPLIED")).isEqualTo(4);
    assertThat(counters.registry().find("sagaflow.input").functionCounters())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.getId().getTag("kind")).isEqualTo("APPLIED");
              assertThat(c.count()).isEqualTo(4.0);
            });
  }
}
