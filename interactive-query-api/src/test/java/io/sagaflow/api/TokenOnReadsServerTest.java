package io.sagaflow.api;

import static io.sagaflow.api.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A server configured to require the bearer token on reads, over real HTTP: the three read routes
 * answer 401 without the token and pass it on to the stores with it (here 503, since the processor
 * never starts), while health, metrics, the contract and the UI's static files stay open.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TokenOnReadsServerTest {
  private static final String TOKEN = "read-s3cret";
  private static final List<String> READS =
      List.of("/sagas?status=RUNNING", "/sagas/some-saga", "/sagas/some-saga/dead-letters");

  private IdleProcessor processor;
  private SagaApiServer server;
  private Http anonymous;
  private Http authorised;

  @BeforeAll
  void start() throws Exception {
    processor = new IdleProcessor("api-token-on-reads");
    server =
        processor
            .server(ApiSettings.defaults().withBearerToken(TOKEN).withTokenOnReads(true))
            .start();
    anonymous = new Http(server.port());
    authorised = new Http(server.port(), "Authorization", "Bearer " + TOKEN);
  }

  @AfterAll
  void stop() {
    server.close();
    processor.close();
  }

  @Test
  void shouldAnswerEveryReadWithoutTheTokenWith401AskingForIt() {
    for (String read : READS) {
      HttpResponse<String> response = anonymous.get(read);

      assertThat(assertProblem(response, 401, "unauthorized"))
          .as(read)
          .contains("Authorization: Bearer <token>");
      assertThat(response.headers().firstValue("WWW-Authenticate")).as(read).contains("Bearer");
    }
  }

  @Test
  void shouldAnswerEveryReadWithAnotherTokenWith401() {
    for (String read : READS) {
      HttpResponse<String> response = anonymous.get(read, "Authorization", "Bearer guess");

      assertThat(assertProblem(response, 401, "unauthorized"))
          .as(read)
          .contains("not the one configured");
    }
    // The token alone, without the Bearer scheme, is not accepted either.
    assertProblem(anonymous.get("/sagas/some-saga", "Authorization", TOKEN), 401, "unauthorized");
  }

  @Test
  void shouldLetAReadWithTheTokenThroughToTheStores() {
    for (String read : READS) {
      // Past the guard: the processor never started, so the stores answer that they are not ready.
      assertProblem(authorised.get(read), 503, "store-unavailable");
    }
    assertProblem(
        anonymous.get("/sagas/some-saga", "Authorization", "bearer " + TOKEN),
        503,
        "store-unavailable");
  }

  @Test
  void shouldNotLetTheForwardingHeaderStandInForTheToken() {
    HttpResponse<String> response =
        anonymous.get("/sagas/some-saga", Forwarder.HEADER, "127.0.0.1:1");

    assertProblem(response, 401, "unauthorized");
  }

  @Test
  void shouldKeepHealthMetricsTheContractAndTheStaticUiOpen() {
    assertThat(anonymous.get("/health/live").statusCode()).isEqualTo(200);
    // Not ready (the processor never started), but answered without asking for a token.
    HttpResponse<String> ready = anonymous.get("/health/ready");
    assertThat(ready.statusCode()).as(ready.body()).isEqualTo(503);
    assertThat(Http.json(ready).get("streamsState").asText()).isEqualTo("CREATED");
    assertThat(anonymous.get("/metrics").statusCode()).isEqualTo(200);
    assertThat(anonymous.get("/openapi.yaml").body()).startsWith("openapi: 3.1.0");
    assertThat(anonymous.get("/ui").statusCode()).isEqualTo(200);
    assertThat(anonymous.get("/ui/assets/app.js").statusCode()).isEqualTo(200);
    assertThat(anonymous.get("/ui/assets/style.css").statusCode()).isEqualTo(200);
  }

  @Test
  void shouldStillGuardTheEntrypoints() {
    assertProblem(
        anonymous.post("/sagas/order-fulfilment", SagaFlows.ORDER.formatted("r")),
        401,
        "unauthorized");
  }

  @Test
  void shouldRefuseTokenOnReadsWithoutAToken() {
    assertThatThrownBy(() -> ApiSettings.defaults().withTokenOnReads(true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tokenOnReads needs a bearerToken");
  }
}
