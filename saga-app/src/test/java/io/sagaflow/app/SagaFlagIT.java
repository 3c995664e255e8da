package io.sagaflow.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sagaflow.app.config.SagaflowConfig;
import io.sagaflow.app.demo.OutcomePrediction;
import io.sagaflow.app.demo.StartRequests;
import io.sagaflow.engine.SagaStatus;
import io.sagaflow.examples.order.OrderFulfilmentSaga;
import io.sagaflow.topology.SagaTopics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SagaFlagIT {
  private static final int ORDERS = 20;

  @Test
  void shouldLeaveInputsInTheirTopicsWhileDisabledAndProcessThemAllOnceEnabled(
      @TempDir Path dataDir) throws Exception {
    try (SagaCluster cluster = SagaCluster.start(dataDir)) {
      List<String> sagaIds = io.sagaflow.app.demo.DemoWorkload.sagaIds("it-flag", ORDERS);
      SagaflowConfig disabled = cluster.config(dataDir, Map.of("saga.enabled", "false"));

      // Given the app running with the flag off, and start requests arriving meanwhile
      try (SagaflowRuntime runtime = new SagaflowRuntime(disabled).start()) {
        assertThat(runtime.health()).contains("Sagas are DISABLED").contains("SAGA_ENABLED=true");
        assertThat(runtime.demo()).isEmpty();
        assertHttpSaysSagasAreDisabled(runtime.httpPort().orElseThrow());
        try (StartRequests requests =
            new StartRequests(
                disabled, cluster.schemas, 42, TestModules.onClassPath().classLoader())) {
          requests.send(TestModules.orders(), sagaIds, () -> {});
        }

        // Then it consumes nothing: no consumer group, no events, the requests wait in their topic
        try (Admin admin = cluster.admin()) {
          await()
              .during(Duration.ofSeconds(3))
              .atMost(Duration.ofSeconds(10))
              .until(
                  () ->
                      groupsOf(admin, cluster.applicationId).isEmpty()
                          && endOffsets(admin, SagaTopics.EVENTS) == 0);
          assertThat(endOffsets(admin, SagaTopics.REQUESTS)).isEqualTo(ORDERS);
        }
      }

      // When the app restarts with the flag on
      SagaflowConfig enabled = cluster.config(dataDir, Map.of("saga.enabled", "true"));
      try (SagaflowRuntime runtime = new SagaflowRuntime(enabled).start();
          SagaCluster.Watch watch = cluster.watch(enabled, "it-flag-", ORDERS)) {
        assertThat(runtime.health()).contains("sagas ENABLED");

        // Then every request that waited is processed to the outcome the seed predicts
        await().atMost(Duration.ofMinutes(2)).until(() -> watch.now().settled() == ORDERS);
        Map<SagaStatus, Integer> expected =
            new OutcomePrediction(
                    OrderFulfilmentSaga.definition(),
                    TestModules.behaviours(enabled.participants()))
                .counts(sagaIds);
        assertThat(watch.now().started()).isEqualTo(ORDERS);
        assertThat(watch.now().counts()).isEqualTo(expected);
      }
    }
  }

  /** What a client and a probe see over HTTP while the flag is off. */
  private static void assertHttpSaysSagasAreDisabled(int port) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    URI base = URI.create("http://127.0.0.1:" + port);
    HttpResponse<String> ready = send(http, HttpRequest.newBuilder(base.resolve("/health/ready")));
    assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
    assertThat(ready.body()).contains("\"sagasEnabled\":false");
    assertThat(send(http, HttpRequest.newBuilder(base.resolve("/health/live"))).statusCode())
        .isEqualTo(200);
    for (HttpRequest.Builder request :
        List.of(
            HttpRequest.newBuilder(base.resolve("/sagas/some-saga")),
            HttpRequest.newBuilder(base.resolve("/sagas/order-fulfilment"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")),
            HttpRequest.newBuilder(base.resolve("/sagas/some-saga/cancel"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"reason\": \"r\"}")),
            HttpRequest.newBuilder(base.resolve("/sagas/some-saga/operator"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")),
            HttpRequest.newBuilder(base.resolve("/sagas/some-saga/steps/reserve-inventory/reply"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")))) {
      HttpResponse<String> response = send(http, request);
      assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
      assertThat(response.headers().firstValue("Content-Type"))
          .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
      assertThat(response.body())
          .contains("https://sagaflow.io/problems/sagas-disabled")
          .contains("SAGA_ENABLED=false");
    }
  }

  private static HttpResponse<String> send(HttpClient http, HttpRequest.Builder request)
      throws Exception {
    return http.send(
        request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static List<String> groupsOf(Admin admin, String applicationId) throws Exception {
    return admin.listGroups().all().get(30, TimeUnit.SECONDS).stream()
        .map(g -> g.groupId())
        .filter(id -> id.startsWith(applicationId))
        .toList();
  }

  private static long endOffsets(Admin admin, String topic) throws Exception {
    int partitions =
        admin
            .describeTopics(List.of(topic))
            .allTopicNames()
            .get(30, TimeUnit.SECONDS)
            .get(topic)
            .partitions()
            .size();
    Map<TopicPartition, OffsetSpec> request = new java.util.HashMap<>();
    for (int p = 0; p < partitions; p++) {
      request.put(new TopicPartition(topic, p), OffsetSpec.latest());
    }
    return admin.listOffsets(request).all().get(30, TimeUnit.SECONDS).values().stream()
        .mapToLong(info -> info.offset())
        .sum();
  }
}
