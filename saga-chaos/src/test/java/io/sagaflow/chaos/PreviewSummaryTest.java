package io.sagaflow.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.sagaflow.contract.SagaEvent;
import io.sagaflow.contract.SagaEventType;
import io.sagaflow.contract.SagaFact;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PreviewSummaryTest {
  private final PreviewSummary summary = new PreviewSummary();

  @Test
  void shouldCountEachSagaOnTheVersionItStartedOnWithHowItEnded() {
    // Given a candidate saga that violated its invariant twice and compensated, and two stable
    // sagas, one completed and one still running
    started("c1", 2, "CANDIDATE");
    event("c1", 2, SagaEventType.INVARIANT_VIOLATED, "RUNNING");
    event("c1", 2, SagaEventType.INVARIANT_VIOLATED, "COMPENSATING");
    event("c1", 2, SagaEventType.SAGA_COMPENSATED, "COMPENSATED");
    started("s1", 1, "STABLE");
    event("s1", 1, SagaEventType.SAGA_COMPLETED, "COMPLETED");
    started("s2", 1, "STABLE");

    // Then each version has its own line
    assertThat(summary.lines())
        .containsExactly(
            "v1: started 2 | completed 1 | compensated 0 | failed 0 | stuck 0 | still running 1 |"
                + " invariant violations 0",
            "v2: started 1 | completed 0 | compensated 1 | failed 0 | stuck 0 | still running 0 |"
                + " invariant violations 2");
    assertThat(summary.on(2, Set.of("c1", "s1", "s2"))).isEqualTo(1);
  }

  @Test
  void shouldReadEveryFactOfADecisionsRecord() {
    // Given a candidate saga whose records each report one decision's facts: a failure that
    // started compensating and broke an invariant, then the last compensation and the end
    started("c1", 2, "CANDIDATE");
    summary.add(
        base("c1", 2, SagaEventType.STEP_FAILED, "RUNNING")
            .setFurtherFacts(
                List.of(
                    new SagaFact(SagaEventType.SAGA_COMPENSATING, null, null, "COMPENSATING", null),
                    new SagaFact(
                        SagaEventType.INVARIANT_VIOLATED, null, null, "COMPENSATING", "held")))
            .build());
    summary.add(
        base("c1", 2, SagaEventType.STEP_COMPENSATED, "COMPENSATING")
            .setFurtherFacts(
                List.of(
                    new SagaFact(SagaEventType.SAGA_COMPENSATED, null, null, "COMPENSATED", null)))
            .build());

    // Then the violation and the end, both further facts, are counted
    assertThat(summary.lines())
        .containsExactly(
            "v2: started 1 | completed 0 | compensated 1 | failed 0 | stuck 0 | still running 0 |"
                + " invariant violations 1");
  }

  @Test
  void shouldNameTheSagasNotOnTheStableVersionAndThoseThatNeverStarted() {
    started("a1", 1, "STABLE");
    started("a2", 2, "CANDIDATE");

    assertThat(summary.notOn(1, Set.of("a1", "a2", "a3")))
        .containsExactlyInAnyOrder("a2 on v2", "a3 (no SAGA_STARTED)");
  }

  private void started(String sagaId, int version, String role) {
    summary.add(
        base(sagaId, version, SagaEventType.SAGA_STARTED, "RUNNING").setRolloutRole(role).build());
  }

  private void event(String sagaId, int version, SagaEventType type, String status) {
    summary.add(base(sagaId, version, type, status).build());
  }

  private static SagaEvent.Builder base(
      String sagaId, int version, SagaEventType type, String status) {
    return SagaEvent.newBuilder()
        .setSagaId(sagaId)
        .setSagaType("money-transfer")
        .setDefinitionVersion(version)
        .setEventType(type)
        .setStatus(status)
        .setAt(Instant.parse("2026-01-01T00:00:00Z"));
  }
}
