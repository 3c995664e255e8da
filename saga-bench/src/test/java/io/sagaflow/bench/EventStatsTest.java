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
    EventStats stats = new EventStats();
    stats.accept(
        record(SagaEventType.SAGA_STARTED, null, 0, fact(SagaEventType.STEP_STARTED, "one")));
    stats.accept(
        record(SagaEventType.STEP_SUCCEEDED, "one", 40, fact(SagaEventType.STEP_STARTED, "two")));
    stats.accept(
        record(
            SagaEventType.STEP_SUCCEEDED,
            "two",
            100,
            new SagaFact(SagaEventType.SAGA_COMPLETED, null, null, "COMPLETED", null)));

    // Then both steps and the saga are measured, each from the facts inside the records
    assertThat(stats.completed()).isEqualTo(1);
    assertThat(stats.ended()).isEqualTo(1);
    assertThat(stats.steps()).isEqualTo(2);
    assertThat(stats.stepPercentile(50)).isEqualTo(40);
    assertThat(stats.stepPercentile(100)).isEqualTo(60);
    assertThat(stats.sagaPercentile(50)).isEqualTo(100);
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
