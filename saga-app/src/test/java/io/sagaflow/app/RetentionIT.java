package io.sagaflow.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sagaflow.app.demo.DemoWorkload;
import io.sagaflow.engine.SagaStatus;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With {@code saga.retention.finished} set, a finished saga is removed once its retention has
 * passed, and its status route then answers the documented 404 problem.
 */
class RetentionIT {
  private static final int SAGAS = 3;
  private static final Pattern REMOVED =
      Pattern.compile(
          "^sagaflow_retention_removed_total\\{[^}]*kind=\"saga\"[^}]*\\} (\\S+)$",
          Pattern.MULTILINE);
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void shouldAnswer404WithAProblemNamingRetentionOnceAFinishedSagaIsPastIt(@TempDir Path dataDir)
      throws Exception {
    try (SagaCluster cluster = SagaCluster.start(dataDir)) {
      // Given the app keeping finished sagas 5 seconds, and a demo of 3 sagas a type
      Map<String, String> settings =
          Map.of(
              "saga.retention.finished", "5s",
              "saga.demo.enabled", "true",
              "saga.demo.sagas", Integer.toString(SAGAS),
              "saga.demo.run.id", "it-retention",
              "saga.participants.latency.ms", "0");
      try (SagaflowRuntime runtime =
          new SagaflowRuntime(cluster.config(dataDir, settings)).start()) {
        DemoWorkload workload = runtime.demo().orElseThrow();
        assertThat(workload.awaitFinished(Duration.ofMinutes(3)))
            .as("demo finished; last progress: %s", workload.progressLine())
            .isTrue();
        Map<String, SagaStatus> finished = workload.statuses();
        assertThat(finished).hasSize(2 * SAGAS);
        assertThat(finished.values()).allMatch(SagaStatus::isTerminal);
        String base = "http://127.0.0.1:" + runtime.httpPort().orElseThrow();

        // When their retention has passed, then each one's status is the documented 404 problem
        for (String sagaId : finished.keySet()) {
          await()
              .atMost(Duration.ofSeconds(60))
              .untilAsserted(
                  () -> {
                    HttpResponse<String> status = get(base + "/sagas/" + sagaId);
                    assertThat(status.statusCode()).isEqualTo(404);
                    assertThat(status.headers().firstValue("Content-Type"))
                        .hasValueSatisfying(
                            type -> assertThat(type).startsWith("application/problem+json"));
                    assertThat(status.body())
                        .contains("saga-not-found")
                        .contains(sagaId)
                        .contains("saga.retention.finished");
                  });
        }
        // And the removals were the retention scan's, one per finished saga
        HttpResponse<String> metrics = get(base + "/metrics");
        double removed = 0;
        Matcher m = REMOVED.matcher(metrics.body());
        while (m.find()) {
          removed += Double.parseDouble(m.group(1));
        }
        assertThat(removed).isEqualTo(2.0 * SAGAS);
      }
    }
  }

  private static HttpResponse<String> get(String url) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(url)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
