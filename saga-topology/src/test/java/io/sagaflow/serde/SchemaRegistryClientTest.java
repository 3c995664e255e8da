package io.sagaflow.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.sagaflow.contract.CancelSaga;
import io.sagaflow.embedded.registry.SchemaRegistryServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The client's HTTP behaviour: API calls, caching, retries, credentials and error messages. */
class SchemaRegistryClientTest {

  private HttpServer stub;

  @AfterEach
  void stopStub() {
    if (stub != null) {
      stub.stop(0);
    }
  }

  @Test
  void shouldSpeakTheRegistryApiAndCacheIds() {
    try (SchemaRegistryServer server = SchemaRegistryServer.startInMemory()) {
      SchemaRegistryClient client =
          new SchemaRegistryClient(RegistryClientSettings.of(server.url() + "/"));

      int id = client.register("saga.requests-value", CancelSaga.getClassSchema());

      assertThat(client.idOf("saga.requests-value", CancelSaga.getClassSchema())).isEqualTo(id);
      assertThat(client.schemaById(id)).isEqualTo(CancelSaga.getClassSchema());
      assertThat(client.latest("saga.requests-value").version()).isEqualTo(1);
      assertThat(client.subjects()).containsExactly("saga.requests-value");
      assertThat(client.compatibility(Optional.of("saga.requests-value"))).isEqualTo("BACKWARD");
      server.close();
      // cached: no registry needed any more for known ids
      assertThat(client.register("saga.requests-value", CancelSaga.getClassSchema())).isEqualTo(id);
      assertThat(client.schemaById(id)).isEqualTo(CancelSaga.getClassSchema());
    }
  }

  @Test
  void shouldRetryServerErrorsThenSucceed() throws IOException {
    AtomicInteger calls = new AtomicInteger();
    startStub(
        (path, auth) ->
            calls.incrementAndGet() < 3
                ? new Answer(503, "{\"error_code\":50003,\"message\":\"busy\"}")
                : new Answer(200, "[\"a\"]"));
    SchemaRegistryClient client = new SchemaRegistryClient(fastRetries(3));

    assertThat(client.subjects()).containsExactly("a");
    assertThat(calls).hasValue(3);
  }

  @Test
  void shouldGiveUpAfterBoundedRetriesWithAnActionableMessage() throws IOException {
    AtomicInteger calls = new AtomicInteger();
    startStub(
        (path, auth) -> {
          calls.incrementAndGet();
          return new Answer(500, "{\"error_code\":50001,\"message\":\"store down\"}");
        });
    SchemaRegistryClient client = new SchemaRegistryClient(fastRetries(2));

    assertThatThrownBy(client::subjects)
        .isInstanceOfSatisfying(
            SchemaRegistryException.class,
            e -> {
              assertThat(e.errorCode()).hasValue(50001);
              assertThat(e.isRetriable()).isTrue();
            })
        .hasMessageContaining("50001")
        .hasMessageContaining("store down")
        .hasMessageContaining("registry's log");
    assertThat(calls).hasValue(3);
  }

  @Test
  void shouldNotRetryClientErrors() throws IOException {
    AtomicInteger calls = new AtomicInteger();
    startStub(
        (path, auth) -> {
          calls.incrementAndGet();
          return new Answer(404, "{\"error_code\":40401,\"message\":\"Subject 'x' not found.\"}");
        });

    assertThatThrownBy(() -> new SchemaRegistryClient(fastRetries(3)).latest("x"))
        .isInstanceOf(SchemaRegistryException.class)
        .hasMessageContaining("40401")
        .hasMessageContaining("Register the schema first");
    assertThat(calls).hasValue(1);
  }

  @Test
  void shouldSendBasicAndBearerCredentials() throws IOException {
    List<String> seen = new CopyOnWriteArrayList<>();
    startStub(
        (path, auth) -> {
          seen.add(auth);
          return auth == null
              ? new Answer(401, "{\"error_code\":40101,\"message\":\"Unauthorized\"}")
              : new Answer(200, "[]");
        });

    new SchemaRegistryClient(
            fastRetries(0).withCredentials(RegistryCredentials.basic("key", "s3cret")))
        .subjects();
    new SchemaRegistryClient(fastRetries(0).withCredentials(RegistryCredentials.bearer("tok")))
        .subjects();

    assertThat(seen).containsExactly("Basic a2V5OnMzY3JldA==", "Bearer tok");
    assertThatThrownBy(() -> new SchemaRegistryClient(fastRetries(0)).subjects())
        .hasMessageContaining("credentials");
    assertThat(RegistryCredentials.basic("key", "s3cret").toString()).doesNotContain("s3cret");
  }

  @Test
  void shouldExplainAnUnreachableRegistry() {
    RegistryClientSettings settings =
        RegistryClientSettings.of("http://127.0.0.1:1").withRetries(1, Duration.ofMillis(1));

    assertThatThrownBy(() -> new SchemaRegistryClient(settings).subjects())
        .isInstanceOfSatisfying(
            SchemaRegistryException.class, e -> assertThat(e.httpStatus()).isEmpty())
        .hasMessageContaining("Is the schema registry running at http://127.0.0.1:1");
  }

  private record Answer(int status, String body) {}

  private interface Stub {
    Answer answer(String path, String authorization);
  }

  private void startStub(Stub behaviour) throws IOException {
    stub = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    stub.createContext(
        "/",
        exchange -> {
          Answer answer =
              behaviour.answer(
                  exchange.getRequestURI().getPath(),
                  exchange.getRequestHeaders().getFirst("Authorization"));
          byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(answer.status(), bytes.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
          }
        });
    stub.start();
  }

  private RegistryClientSettings fastRetries(int retries) {
    return RegistryClientSettings.of("http://127.0.0.1:" + stub.getAddress().getPort())
        .withRetries(retries, Duration.ofMillis(1));
  }
}
