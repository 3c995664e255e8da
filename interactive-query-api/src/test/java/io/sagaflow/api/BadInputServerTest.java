package io.sagaflow.api;

import static io.sagaflow.api.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bad-input corpus of the HTTP API (issue #15): every kind of malformed or unacceptable
 * request, sent byte for byte over a socket to a real server, is answered with a complete RFC 9457
 * problem document of the right status and writes nothing to Kafka; the same requests well-formed
 * are accepted, so each case fails only for what its name says. Whatever layer refuses (Jetty's
 * parser, its URI checks, the path check, the body reader, the entrypoint), the client reads one
 * format.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputServerTest {
  private static final String START = "/sagas/order-fulfilment";
  private static final String OVER_HEADER_LIMIT =
      "a".repeat(TransportProblems.REQUEST_HEADER_BYTES + 512);

  /**
   * One kind of bad request.
   *
   * @param kind its name in the corpus
   * @param head request line and headers, one per line
   * @param instance the path the problem must name; empty when it must name none
   * @param detail what the detail must say
   */
  record BadRequest(
      String kind,
      String head,
      byte[] body,
      int status,
      String slug,
      Optional<String> instance,
      String detail) {
    @Override
    public String toString() {
      return kind;
    }
  }

  private IdleProcessor processor;
  private SagaApiServer server;
  private RawHttp raw;

  @BeforeAll
  void start() throws Exception {
    processor = new IdleProcessor("api-bad-input");
    server = processor.server(ApiSettings.defaults()).start();
    raw = new RawHttp(server.port());
  }

  @AfterAll
  void stop() {
    server.close();
    processor.close();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void shouldAnswerEveryBadRequestWithAProblemAndWriteNothing(BadRequest bad) {
    int written = processor.producer.history().size();

    RawHttp.Answer answer = raw.send(bad.head(), bad.body());

    assertThat(answer.status()).as("%s: %s", bad.kind(), answer.body()).isEqualTo(bad.status());
    String detail = assertProblem(answer, bad.status(), bad.slug(), bad.instance());
    assertThat(detail).contains(bad.detail());
    assertThat(processor.producer.history()).hasSize(written);
  }

  static Stream<BadRequest> corpus() {
    List<BadRequest> all = new ArrayList<>();
    all.addAll(transport());
    all.addAll(paths());
    return all.stream();
  }

  /** Refused by Jetty before any route sees them. */
  private static List<BadRequest> transport() {
    return List.of(
        bad(
            "request headers over the limit (431)",
            get("/sagas/s-1", "X-Padding: " + OVER_HEADER_LIMIT),
            431,
            "headers-too-large",
            "/sagas/s-1",
            Integer.toString(TransportProblems.REQUEST_HEADER_BYTES)),
        bad(
            "request line over the limit (414)",
            get("/sagas/" + OVER_HEADER_LIMIT),
            414,
            "uri-too-long",
            null,
            Integer.toString(TransportProblems.REQUEST_HEADER_BYTES)),
        bad(
            "no Host header",
            "GET /sagas/s-1 HTTP/1.1",
            400,
            "malformed-request",
            "/sagas/s-1",
            "No Host"),
        bad(
            "header line without a colon",
            get("/sagas/s-1", "Bad Header: x"),
            400,
            "malformed-request",
            "/sagas/s-1",
            "Illegal character"),
        bad(
            "two Content-Length headers",
            "POST /sagas/s-1/cancel HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json"
                + "\r\nContent-Length: 15\r\nContent-Length: 16",
            "{\"reason\":\"r\"}",
            400,
            "malformed-request",
            "/sagas/s-1/cancel",
            "Multiple Content-Lengths"),
        bad(
            "two Host headers",
            get("/sagas/s-1", "Host: elsewhere"),
            400,
            "malformed-request",
            "/sagas/s-1",
            "Duplicate Host"),
        bad(
            "Transfer-Encoding together with Content-Length",
            "POST /sagas/s-1/cancel HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json"
                + "\r\nTransfer-Encoding: chunked\r\nContent-Length: 15",
            "e\r\n{\"reason\":\"r\"}\r\n0\r\n\r\n",
            400,
            "malformed-request",
            "/sagas/s-1/cancel",
            "Transfer-Encoding and Content-Length"),
        bad(
            "unknown HTTP version",
            "GET /sagas/s-1 HTTP/3.7\r\nHost: localhost",
            505,
            "http-version-not-supported",
            null,
            "HTTP/1.1"),
        bad(
            "asterisk-form target (OPTIONS *)",
            "OPTIONS * HTTP/1.1\r\nHost: localhost",
            404,
            "no-such-route",
            "*",
            "/openapi.yaml"));
  }

  /** Paths refused by Jetty's URI checks or by the path check before routing. */
  private static List<BadRequest> paths() {
    return List.of(
        bad(
            "path climbing above the root (/../)",
            get("/../metrics"),
            400,
            "malformed-request",
            null,
            "Bad URI"),
        bad(
            "dot-dot segment inside the path",
            get("/sagas/../metrics"),
            400,
            "malformed-request",
            "/sagas/../metrics",
            "'..' segment"),
        bad(
            "percent-encoded dot-dot segment",
            get("/sagas/%2e%2e/metrics"),
            400,
            "malformed-request",
            "/sagas/%2e%2e/metrics",
            "'..' segment"),
        bad(
            "dot segment inside the path",
            get("/sagas/./s-1"),
            400,
            "malformed-request",
            "/sagas/./s-1",
            "'.' segment"),
        bad(
            "encoded NUL in the path (%00)",
            get("/sagas/a%00b"), 400, "malformed-request", null, "Illegal character in path"),
        bad(
            "encoded control character in the path (%01)",
            get("/sagas/a%01b"), 400, "malformed-request", "/sagas/a%01b", "control character"),
        bad(
            "encoded DEL in a path without parameters (%7F)",
            get("/metrics%7F"), 400, "malformed-request", "/metrics%7F", "control character"),
        bad(
            "raw control character in the request line",
            get("/sagas/a\u0001b"),
            400,
            "malformed-request",
            null,
            "Illegal character"),
        bad(
            "invalid percent-encoding in the path (%zz)",
            get("/sagas/a%zzb"), 400, "malformed-request", null, "percent-encoded UTF-8"),
        bad(
            "overlong UTF-8 in the path (%C0%AF)",
            get("/sagas/%C0%AF"), 400, "malformed-request", "/sagas/%C0%AF", "Bad UTF-8"));
  }

  private static BadRequest bad(
      String kind, String head, int status, String slug, String instance, String detail) {
    return new BadRequest(
        kind, head, new byte[0], status, slug, Optional.ofNullable(instance), detail);
  }

  private static BadRequest bad(
      String kind,
      String head,
      String body,
      int status,
      String slug,
      String instance,
      String detail) {
    return new BadRequest(
        kind, head, utf8(body), status, slug, Optional.ofNullable(instance), detail);
  }

  private static String get(String target, String... headers) {
    return head("GET " + target + " HTTP/1.1", headers);
  }

  private static String head(String requestLine, String... headers) {
    StringBuilder head = new StringBuilder(requestLine).append("\r\nHost: localhost");
    for (String header : headers) {
      head.append("\r\n").append(header);
    }
    return head.toString();
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
