package io.sagaflow.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SagaMetricTest {

  @Test
  void shouldReadBackTheEntryAndKindOfEveryCounterItNames() {
    assertThat(SagaMetric.values())
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
    assertThat(SagaMetric.values()).allSatisfy(m -> assertThat(m.tag()).isEqualTo("kind"));
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
}
