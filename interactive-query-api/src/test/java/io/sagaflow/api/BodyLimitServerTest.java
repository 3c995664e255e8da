package io.sagaflow.api;

import static io.sagaflow.api.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.TestInstance;

/**
 * Bodies the server refuses before reading them, over real HTTP and many times: the client must
 * always read the problem (413, or 401 without the token), never a reset connection, whether the
 * body declares its length or arrives chunked.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BodyLimitServerTest {
  private static final int LIMIT = 1024;
  private static final String START = "/sagas/order-fulfilment";
  private static final String TOKEN = "limit-s3cret";

  private IdleProcessor processor;
  private SagaApiServer server;
  private Http http;
  private Http anonymous;
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  void start() throws Exception {
    processor = new IdleProcessor("api-body-limit");
    server =
        processor
            .server(ApiSettings.defaults().withMaxBodyBytes(LIMIT).withBearerToken(TOKEN))
            .start();
    http = new Http(server.port(), "Authorization", "Bearer " + TOKEN);
    anonymous = new Http(server.port());
  }

  @AfterAll
  void stop() {
    server.close();
    processor.close();
  }

  @RepeatedTest(25)
  void shouldAnswer413ToADeclaredOversizedBody() {
    // Far beyond the socket buffers, so the client is still writing when the server has decided.
    String big = "{\"orderId\": \"" + "x".repeat(4 * 1024 * 1024) + "\"}";

    String detail = assertProblem(http.post(START, big), 413, "body-too-large");

    assertThat(detail).contains(Integer.toString(LIMIT));
  }

  @RepeatedTest(10)
  void shouldAnswer413ToAChunkedOversizedBody() throws Exception {
    byte[] big =
        ("{\"orderId\": \"" + "y".repeat(4 * 1024 * 1024) + "\"}").getBytes(StandardCharsets.UTF_8);
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + START))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer " + TOKEN)
            // No length: the server only learns the size by reading.
            .POST(HttpRequest.BodyPublishers.fromPublisher(chunks(big)))
            .build();

    HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());

    assertProblem(response, 413, "body-too-large");
  }

  @RepeatedTest(10)
  void shouldAnswer401ToALargeBodyWithoutTheToken() {
    // Refused before the body is read at all; the answer must still reach the client.
    String big = "{\"orderId\": \"" + "z".repeat(4 * 1024 * 1024) + "\"}";

    assertProblem(anonymous.post(START, big), 401, "unauthorized");
  }

  @RepeatedTest(5)
  void shouldStillAcceptABodyWithinTheLimit() {
    // Passes the size check and fails later, on content: the body was read, not refused.
    assertProblem(http.post(START, "{\"orderId\": 1}"), 400, "invalid-body");
  }

  private static Flow.Publisher<ByteBuffer> chunks(byte[] bytes) {
    return HttpRequest.BodyPublishers.ofByteArray(bytes);
  }
}
