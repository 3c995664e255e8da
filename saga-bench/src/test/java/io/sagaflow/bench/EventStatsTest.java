package io.sagaflow.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.sagaflow.contract.SagaEvent;
import io.sagaflow.contract.SagaEventType;
import io.sagaflow.contract.SagaFact;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventStatsTest {
  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

  @Test
  void shouldMeasureStepsAndSagasFromFactsFoldedIntoDecisionRecords() {
    // Given a two-step saga as the processor writes it: one record per decision
    EventStats stats = twoStepSaga(100);

    // Then both steps and the saga are measured, each from the facts inside the records
    assertThat(stats.completed()).isEqualTo(1);
    assertThat(stats.ended()).isEqualTo(1);
    assertThat(stats.steps()).isEqualTo(2);
    assertThat(stats.stepPercentile(50)).isEqualTo(40);
    assertThat(stats.stepPercentile(100)).isEqualTo(60);
    assertThat(stats.sagaPercentile(50)).isEqualTo(100);
  }

  @Test
  void shouldSplitEachSecondsStepsAtTheReplysSendAndAppend() {
    // Given the same two steps, the second ending in the next second, whose replies were sent
    // and appended at known times
    EventStats stats = twoStepSaga(1_300);
    long t0 = T0.toEpochMilli();
    stats.replySent("s1", "one", 1, t0 + 10, t0 + 15, t0 + 35, -1, -1);
    stats.replySent("s1", "two", 1, t0 + 100, t0 + 110, t0 + 1_110, -1, -1);
    // A reply read twice (a redelivery) keeps its first times
    stats.replySent("s1", "two", 1, t0 + 900, t0 + 950, t0 + 960, -1, -1);

    // Then each second of the steps' ends has its own line, with the four parts of its steps
    assertThat(stats.stepTimeline())
        .containsExactly(
            "+  0 s (10:00:00)     1 steps  p50   40  p99   40  max   40 ms;"
                + " p99 until the reply was sent   10, appended    5, visible   20, decided    5 ms",
            "+  1 s (10:00:01)     1 steps  p50 1260  p99 1260  max 1260 ms;"
                + " p99 until the reply was sent   60, appended   10, visible 1000,"
                + " decided  190 ms");
    // And with partitions named, the slow step's second says which partition it was on
    assertThat(stats.stepTimeline(4).get(1))
        .endsWith("; slower than 250 ms by partition " + partitionCounts("s1", 4));
  }

  @Test
  void shouldSplitTheDecisionWhereTheProcessorsConsumerReturnedTheReply() {
    // Given the two steps, their replies at offsets 7 and 8 of partition 2, the first returned
    // by the processor's consumer 3 ms after the bench's reader saw it, the second 1,100 ms after
    EventStats stats = twoStepSaga(1_300);
    long t0 = T0.toEpochMilli();
    stats.replySent("s1", "one", 1, t0 + 10, t0 + 15, t0 + 20, 2, 7);
    stats.replySent("s1", "two", 1, t0 + 100, t0 + 110, t0 + 120, 2, 8);
    EventStats.Polls polls =
        (partition, offset) -> partition != 2 ? -1 : offset == 7 ? t0 + 23 : t0 + 1_220;

    // Then "decided" counts from the poll, and "polled" is the wait before it
    assertThat(stats.stepTimeline(0, java.util.Map.of(), polls))
        .containsExactly(
            "+  0 s (10:00:00)     1 steps  p50   40  p99   40  max   40 ms;"
                + " p99 until the reply was sent   10, appended    5, visible    5, polled    3,"
                + " decided   17 ms",
            "+  1 s (10:00:01)     1 steps  p50 1260  p99 1260  max 1260 ms;"
                + " p99 until the reply was sent   60, appended   10, visible   10, polled 1100,"
                + " decided   80 ms");
    // And without stamps the line keeps its old shape
    assertThat(stats.stepTimeline(0, java.util.Map.of(), EventStats.Polls.NONE).get(0))
        .endsWith("visible    5, decided   20 ms");
    // And a second's note follows its line
    assertThat(
            stats.stepTimeline(
                0, java.util.Map.of(T0.getEpochSecond() + 1, "cores: 1.2"), EventStats.Polls.NONE))
        .last()
        .asString()
        .endsWith("decided 1180 ms | cores: 1.2");
  }

  /** Saga s1: step one from 0 to 40 ms, step two from 40 ms to {@code endMillis}. */
  private static EventStats twoStepSaga(long endMillis) {
    EventStats stats = new EventStats();
    stats.accept(
        record(SagaEventType.SAGA_STARTED, null, 0, fact(SagaEventType.STEP_STARTED, "one")));
    stats.accept(
        record(SagaEventType.STEP_SUCCEEDED, "one", 40, fact(SagaEventType.STEP_STARTED, "two")));
    stats.accept(
        record(
            SagaEventType.STEP_SUCCEEDED,
            "two",
            endMillis,
            new SagaFact(SagaEventType.SAGA_COMPLETED, null, null, "COMPLETED", null)));
    return stats;
  }

  private static String partitionCounts(String sagaId, int partitions) {
    int[] counts = new int[partitions];
    counts[
            org.apache.kafka.common.utils.Utils.toPositive(
                    org.apache.kafka.common.utils.Utils.murmur2(
                        sagaId.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                % partitions] =
        1;
    return java.util.Arrays.toString(counts);
  }

  private static SagaFact fact(SagaEventType type, String step) {
    return new SagaFact(type, step, 1, "RUNNING", null);
  }

  private static SagaEvent record(SagaEventType type, String step, long atMillis, SagaFact then) {
    return SagaEvent.newBuilder()
        .setSagaId("s1")
        .setSagaType("order-fulfilment")
        .setDefinitionVersion(1)
        .setEventType(type)
        .setStep(step)
        .setAttempt(step == null ? null : 1)
        .setStatus("RUNNING")
        .setAt(T0.plusMillis(atMillis))
        .setFurtherFacts(List.of(then))
        .build();
  }
}
