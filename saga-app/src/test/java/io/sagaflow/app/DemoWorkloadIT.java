package io.sagaflow.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.sagaflow.app.demo.DemoWorkload;
import io.sagaflow.app.demo.SagaProgress;
import io.sagaflow.app.participants.ParticipantBehaviour;
import io.sagaflow.app.participants.Verdict;
import io.sagaflow.engine.CommandKind;
import io.sagaflow.engine.SagaStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoWorkloadIT {
  private static final int ORDERS = 500;
  private static final long SEED = 42;

  @Test
  void shouldRunBothExampleTypesAndCompensateExactlyTheDeclinedPayments(@TempDir Path dataDir)
      throws Exception {
    try (SagaCluster cluster = SagaCluster.start(dataDir)) {
      // Given the app with both example modules, their participants and the demo: 500 orders and
      // 500 transfers, 10% declines, no latency
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
        Map<SagaStatus, Long> orders = byStatus(workload, "it-demo-order-");
        assertThat(declined).isBetween(ORDERS / 20, ORDERS / 5);
        assertThat(orders.get(SagaStatus.COMPENSATED)).isEqualTo((long) declined);
        assertThat(orders.get(SagaStatus.COMPLETED)).isEqualTo((long) ORDERS - declined);
        // And the transfers, beside them in the same process, ended too: most completed, the
        // declined ones and those whose payee bank kept failing compensated, none stuck
        Map<SagaStatus, Long> transfers = byStatus(workload, "it-demo-transfer-");
        assertThat(transfers.keySet())
            .containsExactlyInAnyOrder(SagaStatus.COMPLETED, SagaStatus.COMPENSATED);
        assertThat(transfers.get(SagaStatus.COMPLETED) + transfers.get(SagaStatus.COMPENSATED))
            .isEqualTo(ORDERS);
        assertThat(transfers.get(SagaStatus.COMPENSATED)).isBetween(ORDERS / 20L, ORDERS / 4L);
        SagaProgress.Snapshot end = workload.snapshot();
        assertThat(end.count(SagaStatus.FAILED)).isZero();
        assertThat(end.count(SagaStatus.STUCK)).isZero();
        assertThat(workload.summary())
            .contains(
                "order-fulfilment: " + ORDERS + " sagas, " + (ORDERS - declined) + " completed")
            .contains(
                "money-transfer: "
                    + ORDERS
                    + " sagas, "
                    + transfers.get(SagaStatus.COMPLETED)
                    + " completed");
        assertThat(workload.summary()).contains("finished").contains(": matches.");
      }
    }
  }

  private static Map<SagaStatus, Long> byStatus(DemoWorkload workload, String prefix) {
    return workload.statuses().entrySet().stream()
        .filter(e -> e.getKey().startsWith(prefix))
        .collect(
            java.util.stream.Collectors.groupingBy(
                Map.Entry::getValue, java.util.stream.Collectors.counting()));
  }

  /** Counted straight from the payment participant's verdicts, not from the demo's prediction. */
  private static int declinedAuthorizations(SagaflowRuntime runtime, List<String> sagaIds) {
    ParticipantBehaviour payment =
        TestModules.behaviours(runtime.config().participants()).stream()
            .filter(b -> b.name().equals("payment"))
            .findFirst()
            .orElseThrow();
    int declined = 0;
    for (String sagaId : sagaIds) {
      Verdict verdict = payment.decide(sagaId, "authorize-payment", 1, CommandKind.ACTION);
      if (verdict == Verdict.BUSINESS_FAILURE) {
        declined++;
      }
    }
    return declined;
  }
}
