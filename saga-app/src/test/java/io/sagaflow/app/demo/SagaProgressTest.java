package io.sagaflow.app.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.sagaflow.contract.SagaEvent;
import io.sagaflow.contract.SagaEventType;
import io.sagaflow.contract.SagaFact;
import io.sagaflow.engine.SagaStatus;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SagaProgressTest {

  @Test
  void shouldTakeTheStatusAfterTheLastFactOfADecisionsRecord() {
    // Given the record of a saga's last reply, whose further fact is its completion
    SagaProgress progress = new SagaProgress(1, Instant.EPOCH);
    progress.sent();
    progress.apply(
        SagaEvent.newBuilder()
            .setSagaId("s1")
            .setSagaType("order-fulfilment")
            .setDefinitionVersion(1)
            .setEventType(SagaEventType.STEP_SUCCEEDED)
            .setStep("send-confirmation")
            .setAttempt(1)
            .setStatus("RUNNING")
            .setAt(Instant.EPOCH)
            .setFurtherFacts(
                List.of(new SagaFact(SagaEventType.SAGA_COMPLETED, null, null, "COMPLETED", null)))
            .build());

    // Then the saga is COMPLETED (not RUNNING, the top-level fact's status) and the workload done
    assertThat(progress.statuses()).containsEntry("s1", SagaStatus.COMPLETED);
    assertThat(progress.snapshot(Instant.EPOCH).finished()).isTrue();
  }
}
