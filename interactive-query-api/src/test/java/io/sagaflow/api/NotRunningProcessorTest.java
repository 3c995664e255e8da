package io.sagaflow.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The server over a processor that has not started: what a client sees while an instance boots or
 * rebalances, and the contract check that the served routes are the documented ones.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NotRunningProcessorTest {
  private IdleProcessor processor;
  private SagaApiServer server;
  private Http http;

  @BeforeAll
  void start() throws Exception {
    processor = new IdleProcessor("api-not-running");
    server = processor.server(ApiSettings.defaults()).start();
    http = new Http(server.port());
  }

  @AfterAll
  void stop() {
    server.close();
    processor.close();
  }

  @Test
  void shouldRegisterExactlyTheRoutesTheOpenApiDocumentNames() throws Exception {
    List<String> documented = new ArrayList<>();
    try (InputStream in = getClass().getResourceAsStream("/openapi.yaml")) {
      JsonNode paths = new ObjectMapper(new YAMLFactory()).readTree(in).get("paths");
      for (Map.Entry<String, JsonNode> path : paths.properties()) {
        for (Map.Entry<String, JsonNode> op : path.getValue().properties()) {
          documented.add(op.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey());
        }
      }
    }

    assertThat(server.routes()).containsExactlyInAnyOrderElementsOf(documented);
  }

  @Test
  void shouldServeTheOpenApiDocument() {
    HttpResponse<String> response = http.get("/openapi.yaml");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).startsWith("openapi: 3.1.0");
  }

  @Test
  void shouldAnswerStatusReadsWith503AndRetryAfterUntilTheStoreIsQueryable() {
    HttpResponse<String> response = http.get("/sagas/any");

    String detail = Problems.assertProblem(response, 503, "store-unavailable");
    assertThat(detail).contains("Retry");
    assertThat(response.headers().firstValue("Retry-After")).contains("1");
  }

  @Test
  void shouldAnswer503WhenTheSagaDataSchemaIsNotRegisteredAndAutoRegistrationIsOff() {
    HttpResponse<String> response =
        http.post("/sagas/order-fulfilment", SagaFlows.ORDER.formatted("s"));

    String detail = Problems.assertProblem(response, 503, "schema-unavailable");
    assertThat(detail).contains("OrderFulfilmentData").contains("auto.register.schemas is off");
  }

  @Test
  void shouldServeTheStatusPageUncachedWhileTheProcessorIsNotRunning() {
    HttpResponse<String> page = http.get("/ui");

    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(mediaType(page)).isEqualTo("text/html;charset=utf-8");
    assertThat(page.headers().firstValue("Cache-Control")).contains("no-cache");
    assertThat(page.headers().firstValue("Content-Security-Policy"))
        .hasValueSatisfying(csp -> assertThat(csp).contains("default-src 'self'"));
    assertThat(page.body())
        .contains("<script src=\"/ui/assets/app.js\" defer></script>")
        .contains("href=\"/ui/assets/style.css\"");
  }

  @Test
  void shouldServeTheAssetsThePageNamesWithTheirMediaTypes() {
    HttpResponse<String> script = http.get("/ui/assets/app.js");
    HttpResponse<String> style = http.get("/ui/assets/style.css");

    assertThat(script.statusCode()).isEqualTo(200);
    assertThat(mediaType(script)).isEqualTo("text/javascript;charset=utf-8");
    assertThat(script.headers().firstValue("Cache-Control")).contains("no-cache");
    assertThat(script.body()).contains("'use strict';");
    assertThat(style.statusCode()).isEqualTo(200);
    assertThat(mediaType(style)).isEqualTo("text/css;charset=utf-8");
    assertThat(style.headers().firstValue("Cache-Control")).contains("no-cache");
  }

  @Test
  void shouldAnswerAProblemForAnAssetThatIsMissingOrOutsideTheAllowedNames() {
    assertThat(Problems.assertProblem(http.get("/ui/assets/nothing.js"), 404, "no-such-asset"))
        .contains("nothing.js");
    // index.html exists beside the assets, but only .js and .css names are served here.
    Problems.assertProblem(http.get("/ui/assets/index.html"), 404, "no-such-asset");
    Problems.assertProblem(http.get("/ui/assets/App.js"), 404, "no-such-asset");
    Problems.assertProblem(http.get("/ui/assets/..%2Fopenapi.yaml"), 404, "no-such-asset");
  }

  /** Jetty writes {@code type;charset=...} without the space; compare without spaces. */
  private static String mediaType(HttpResponse<String> response) {
    return response.headers().firstValue("Content-Type").orElse("").replace(" ", "");
  }

  @Test
  void shouldNotBeReadyBeforeKafkaStreamsRuns() {
    HttpResponse<String> response = http.get("/health/ready");

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(Http.json(response).get("streamsState").asText()).isEqualTo("CREATED");
    assertThat(http.get("/health/live").statusCode()).isEqualTo(200);
  }

  @Test
  void shouldAnswerSearchAndDeadLettersWith503AndRetryAfterUntilStreamsRuns() {
    HttpResponse<String> search = http.get("/sagas?status=RUNNING");
    HttpResponse<String> letters = http.get("/sagas/s-1/dead-letters");

    assertThat(Problems.assertProblem(search, 503, "store-unavailable")).contains("CREATED");
    assertThat(search.headers().firstValue("Retry-After")).contains("1");
    Problems.assertProblem(letters, 503, "store-unavailable");
    assertThat(letters.headers().firstValue("Retry-After")).contains("1");
  }

  @Test
  void shouldValidateTheSearchBeforeAskingTheStores() {
    Problems.assertProblem(http.get("/sagas?limit=9999"), 400, "invalid-request");
  }
}
