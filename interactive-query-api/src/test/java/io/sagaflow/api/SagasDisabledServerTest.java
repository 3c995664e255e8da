package io.sagaflow.api;

import static io.sagaflow.api.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The server of an instance that runs with SAGA_ENABLED=false, and so without a processor, over
 * real HTTP: every saga route explains that sagas are disabled, health says so too.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SagasDisabledServerTest {
  private SagaApiServer server;
  private Http http;

  @BeforeAll
  void start() {
    server = SagaApiServer.sagasDisabled(ApiSettings.defaults().withSagasEnabled(false)).start();
    http = new Http(server.port());
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @Test
  void shouldAnswerReadsWith503SagasDisabled() {
    String detail = assertProblem(http.get("/sagas/some-saga"), 503, "sagas-disabled");
    assertThat(detail).contains("SAGA_ENABLED=false").contains("no saga processor");
  }

  @Test
  void shouldAnswerEveryEntrypointWith503SagasDisabled() {
    assertProblem(
        http.post("/sagas/order-fulfilment", SagaFlows.ORDER.formatted("d")),
        503,
        "sagas-disabled");
    assertProblem(
        http.post("/sagas/some-saga/cancel", "{\"reason\": \"r\"}"), 503, "sagas-disabled");
    assertProblem(
        http.post(
            "/sagas/some-saga/operator",
            "{\"action\": \"SKIP_STEP\", \"step\": \"s\", \"operator\": \"o\", \"reason\": \"r\"}"),
        503,
        "sagas-disabled");
    assertProblem(
        http.post("/sagas/some-saga/steps/reserve-inventory/reply", "{}"), 503, "sagas-disabled");
  }

  @Test
  void shouldBeLiveAndReadyWithSagasDisabled() {
    assertThat(http.get("/health/live").statusCode()).isEqualTo(200);

    HttpResponse<String> ready = http.get("/health/ready");

    assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
    JsonNode body = Http.json(ready);
    assertThat(body.get("sagasEnabled").asBoolean()).isFalse();
    assertThat(body.get("status").asText()).isEqualTo("READY");
    assertThat(body.get("streamsState").asText()).isEqualTo("NOT_STARTED");
  }

  @Test
  void shouldServeMetricsTheContractAndUnknownRoutesAsOnAnyInstance() {
    assertThat(http.get("/metrics").statusCode()).isEqualTo(200);
    assertThat(http.get("/openapi.yaml").body()).startsWith("openapi: 3.1.0");
    assertProblem(http.get("/nowhere"), 404, "no-such-route");
  }

  @Test
  void shouldRegisterTheSameRoutesAsAServerOverAProcessor() throws Exception {
    try (IdleProcessor processor = new IdleProcessor("api-routes");
        SagaApiServer overProcessor = processor.server(ApiSettings.defaults())) {
      assertThat(server.routes()).containsExactlyElementsOf(overProcessor.routes());
    }
  }

  @Test
  void shouldRefuseToStartWithoutAProcessorWhenSagasAreEnabled() {
    assertThatThrownBy(() -> SagaApiServer.sagasDisabled(ApiSettings.defaults()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("SAGA_ENABLED=false");
  }
}
