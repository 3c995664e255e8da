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

  @Test
  void shouldKeepAnErrorAnswerThatIsNotJsonAsTheDetail() throws IOException {
    startStub((path, auth) -> new Answer(502, "<html>Bad gateway</html>"));

    assertThatThrownBy(() -> new SchemaRegistryClient(fastRetries(0)).subjects())
        .isInstanceOfSatisfying(
            SchemaRegistryException.class,
            e -> {
              assertThat(e.httpStatus()).hasValue(502);
              assertThat(e.errorCode()).isEmpty();
            })
        .hasMessageContaining("-> HTTP 502: \"<html>Bad gateway</html>\".")
        .hasMessageContaining("registry's log");
  }

  @Test
  void shouldQuoteAnErrorAnswerWithoutMessage() throws IOException {
    startStub((path, auth) -> new Answer(400, "{\"error_code\":42203}"));

    assertThatThrownBy(() -> new SchemaRegistryClient(fastRetries(0)).subjects())
        .isInstanceOfSatisfying(
            SchemaRegistryException.class, e -> assertThat(e.errorCode()).hasValue(42203))
        .hasMessageContaining("(error code 42203): {\"error_code\":42203}.")
        .hasMessageContaining("Check the request");
  }

  @Test
  void shouldRefuseASuccessfulAnswerThatIsNotJson() throws IOException {
    AtomicInteger calls = new AtomicInteger();
    startStub(
        (path, auth) -> {
          calls.incrementAndGet();
          return new Answer(200, "<html>Sign in</html>");
        });

    assertThatThrownBy(() -> new SchemaRegistryClient(fastRetries(3)).subjects())
        .isInstanceOfSatisfying(
            SchemaRegistryException.class,
            e -> {
              assertThat(e.httpStatus()).hasValue(200);
              // Asking again would meet the same page; but no record is to blame for it.
              assertThat(e.isRetriable()).isFalse();
              assertThat(e.isOutage()).isTrue();
            })
        .hasMessageContaining("/subjects -> HTTP 200 with an answer that is not JSON")
        .hasMessageContaining("Malformed JSON at offset 0: expected a value but found '<'")
        .hasMessageContaining("<html>Sign in</html>")
        .hasMessageContaining("Confluent-compatible schema registry");
    assertThat(calls).hasValue(1);
  }

  @Test
  void shouldRefuseSuccessfulAnswersWithoutWhatTheApiPromises() throws IOException {
    startStub(
        (path, auth) ->
            switch (path) {
              case "/subjects" -> new Answer(200, "{\"subjects\":[]}");
              case "/schemas/ids/3" -> new Answer(200, "{\"schema\":42}");
              case "/subjects/s/versions/latest" -> new Answer(200, "{\"id\":3}");
              default -> new Answer(200, "{\"id\":\"7\"}");
            });
    SchemaRegistryClient client = new SchemaRegistryClient(fastRetries(0));

    assertThatThrownBy(client::subjects)
        .isInstanceOfSatisfying(
            SchemaRegistryException.class, e -> assertThat(e.httpStatus()).hasValue(200))
        .hasMessageContaining("answered for the list of subjects without an array")
        .hasMessageContaining("{\"subjects\":[]}");
    assertThatThrownBy(() -> client.schemaById(3))
        .hasMessageContaining("for schema id 3 without the string \"schema\": {\"schema\":42}");
    assertThatThrownBy(() -> client.latest("s"))
        .hasMessageContaining(
            "for the latest version of subject s without the integer \"version\"");
    assertThatThrownBy(() -> client.register("s", CancelSaga.getClassSchema()))
        .isInstanceOf(SchemaRegistryException.class)
        .hasMessageContaining("for the registration in subject s without the integer \"id\"");
    assertThatThrownBy(() -> client.idOf("s", CancelSaga.getClassSchema()))
        .hasMessageContaining("for the lookup in subject s without the integer \"id\"");
  }

  @Test
  void shouldReadCompatibilityAnswersAndSendTheLevel() throws IOException {
    List<String> sent = new CopyOnWriteArrayList<>();
    stub = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    stub.createContext(
        "/",
        exchange -> {
          sent.add(
              exchange.getRequestMethod()
                  + " "
                  + exchange.getRequestURI()
                  + " "
                  + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          String body =
              exchange.getRequestURI().getPath().startsWith("/compatibility")
                  ? "{\"is_compatible\":false,\"messages\":[\"field \\\"x\\\" has no default\"]}"
                  : "{}";
          byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, bytes.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
          }
        });
    stub.start();
    SchemaRegistryClient client = new SchemaRegistryClient(fastRetries(0));

    CompatibilityResult result = client.testCompatibility("s", CancelSaga.getClassSchema());
    client.setCompatibility(Optional.of("s"), "FULL");

    assertThat(result.compatible()).isFalse();
    assertThat(result.messages()).containsExactly("field \"x\" has no default");
    assertThat(client.compatibility(Optional.empty())).isEmpty();
    assertThat(sent)
        .containsExactly(
            "POST /compatibility/subjects/s/versions/latest?verbose=true {\"schema\":"
                + JsonValue.quote(CancelSaga.getClassSchema().toString())
                + "}",
            "PUT /config/s {\"compatibility\":\"FULL\"}",
            "GET /config ");
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
