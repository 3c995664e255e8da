package io.sagaflow.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.sagaflow.app.demo.DemoWorkload;
import io.sagaflow.app.demo.SagaProgress;
import io.sagaflow.app.participants.ParticipantBehaviour;
import io.sagaflow.app.participants.Verdict;
import io.sagaflow.engine.CommandKind;
import io.sagaflow.engine.Ids;
import io.sagaflow.engine.SagaStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoWorkloadIT {
  private static final int ORDERS = 1000;
  private static final long SEED = 42;

  @Test
  void shouldCompleteThousandOrdersAndCompensateExactlyTheDeclinedPayments(@TempDir Path dataDir)
      throws Exception {
    try (SagaCluster cluster = SagaCluster.start(dataDir)) {
      // Given the app with participants and the demo: 1,000 orders, 10% payment failures, no
      // latency
      Map<String, String> demo =
          Map.of(
              "saga.demo.enabled", "true",
              "saga.demo.sagas", Integer.toString(ORDERS),
              "saga.demo.run.id", "it-demo",
              "saga.participants.seed", Long.toString(SEED),
              "saga.participants.decline.rate", "0.1",
              "saga.participants.latency.ms", "0");
      try (SagaflowRuntime runtime = new SagaflowRuntime(cluster.config(dataDir, demo)).start()) {
        DemoWorkload workload = runtime.demo().orElseThrow();

        // When the workload runs to the end
        assertThat(workload.awaitFinished(Duration.ofMinutes(4)))
            .as("demo finished; last progress: %s", workload.progressLine())
            .isTrue();

        // Then exactly the orders whose first authorization the seed declines are compensated
        int declined =
            declinedAuthorizations(
                runtime, io.sagaflow.app.demo.DemoWorkload.sagaIds("it-demo-order", ORDERS));
        SagaProgress.Snapshot end = workload.snapshot();
        assertThat(declined).isBetween(ORDERS / 20, ORDERS / 5);
        assertThat(end.count(SagaStatus.COMPENSATED)).isEqualTo(declined);
        assertThat(end.count(SagaStatus.COMPLETED)).isEqualTo(ORDERS - declined);
        assertThat(end.count(SagaStatus.FAILED)).isZero();
        assertThat(end.count(SagaStatus.STUCK)).isZero();
        assertThat(workload.expected())
            .containsEntry(SagaStatus.COMPENSATED, declined)
            .containsEntry(SagaStatus.COMPLETED, ORDERS - declined);
        assertThat(workload.summary()).contains("finished").contains(": matches.");
      }
    }
  }

  /** Counted straight from the payment participant's verdicts, not from the demo's prediction. */
  private static int declinedAuthorizations(SagaflowRuntime runtime, List<String> sagaIds) {
    ParticipantBehaviour payment = TestModules.behaviours(runtime.config().participants()).get(1);
    assertThat(payment.name()).isEqualTo("payment");
    int declined = 0;
    for (String sagaId : sagaIds) {
      Verdict verdict =
          payment.decide(
              "authorize-payment",
              CommandKind.ACTION,
              Ids.commandId(sagaId, "authorize-payment", 1, CommandKind.ACTION));
      if (verdict == Verdict.BUSINESS_FAILURE) {
        declined++;
      }
    }
    return declined;
  }
}
