package io.sagaflow.api;

import static io.sagaflow.api.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
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

  /** An entrypoint and a body it accepts. */
  private record Entry(String name, String path, String validBody) {}

  private static final List<Entry> ENTRIES =
      List.of(
          new Entry("start", START, SagaFlows.ORDER.formatted("corpus")),
          new Entry("cancel", "/sagas/s-1/cancel", "{\"reason\": \"r\"}"),
          new Entry(
              "operator",
              "/sagas/s-1/operator",
              "{\"action\": \"RETRY_STEP\", \"step\": \"reserve-inventory\", \"operator\": \"ops\","
                  + " \"reason\": \"r\"}"),
          new Entry(
              "reply",
              "/sagas/s-1/steps/reserve-inventory/reply",
              "{\"attempt\": 1, \"commandId\": \"c-1\", \"outcome\": \"SUCCEEDED\","
                  + " \"result\": {\"reservationId\": \"r-1\"}}"));

  /**
   * One kind of bad request.
   *
   * @param kind its name in the corpus
   * @param head request line and headers, one per line
   * @param instance the path the problem must name; empty when it must name none
   * @param detail what the detail must say
   */
  // A table row of the parameterized test; rows are never compared with each other.
  @SuppressWarnings("ArrayRecordComponent")
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
    // Registering schemas on first use, so that the well-formed requests can be written.
    server = processor.server(ApiSettings.defaults().withAutoRegister(true)).start();
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

  @ParameterizedTest(name = "{0}")
  @MethodSource("wellFormed")
  void shouldAcceptTheSameRequestsWellFormed(String kind, String head, byte[] body) {
    int written = processor.producer.history().size();

    RawHttp.Answer answer = raw.send(head, body);

    assertThat(answer.status()).as(answer.body()).isEqualTo(202);
    assertThat(processor.producer.history()).hasSize(written + 1);
  }

  @Test
  void shouldRefuseAnIdempotencyKeyReusedWithADifferentBodyAndAcceptItsRetries() {
    String key = "Idempotency-Key: corpus-reused-key";
    String first = SagaFlows.ORDER.formatted("first");
    int written = processor.producer.history().size();

    RawHttp.Answer accepted = raw.send(json(START, first, key), utf8(first));
    RawHttp.Answer reused =
        raw.send(
            json(START, SagaFlows.ORDER.formatted("second"), key),
            utf8(SagaFlows.ORDER.formatted("second")));
    String reordered =
        "{\"paymentToken\": \"tok_secret\", "
            + first
                .substring(first.indexOf('{') + 1)
                .replace(", \"paymentToken\": \"tok_secret\"", "")
                .replace("\"42.50\"", "\"42.5\"");
    RawHttp.Answer retried = raw.send(json(START, reordered, key), utf8(reordered));

    assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
    String sagaId = accepted.json().get("sagaId").asText();
    String detail = assertProblem(reused, 422, "idempotency-key-reused", Optional.of(START));
    assertThat(detail).contains("corpus-reused-key").contains(sagaId);
    // The same data, its fields in another order and its amount without the trailing zero, is
    // the same start: a retry.
    assertThat(reordered).isNotEqualTo(first).contains("\"42.5\"");
    assertThat(retried.status()).as(retried.body()).isEqualTo(202);
    assertThat(retried.json().get("sagaId").asText()).isEqualTo(sagaId);
    assertThat(processor.producer.history()).hasSize(written + 2);
    assertThat(processor.producer.history().subList(written, written + 2))
        .allSatisfy(record -> assertThat(record.key()).isEqualTo(sagaId));
  }

  static Stream<BadRequest> corpus() {
    List<BadRequest> all = new ArrayList<>();
    all.addAll(transport());
    all.addAll(paths());
    for (Entry entry : ENTRIES) {
      all.addAll(bodies(entry));
    }
    all.addAll(startHeaders());
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

  /** Bodies every entrypoint refuses, with the entrypoint's own valid body as the base. */
  private static List<BadRequest> bodies(Entry entry) {
    String valid = entry.validBody();
    String path = entry.path();
    String name = entry.name() + ": ";
    return List.of(
        bad(
            name + "JSON followed by trailing garbage",
            json(path, valid + " xyz"),
            valid + " xyz",
            400,
            "invalid-json",
            path,
            "nothing after it"),
        bad(
            name + "two JSON objects in one body",
            json(path, valid + valid),
            valid + valid,
            400,
            "invalid-json",
            path,
            "exactly one JSON object"),
        bad(
            name + "a field given twice",
            json(path, duplicated(valid)),
            duplicated(valid),
            400,
            "invalid-json",
            path,
            "Duplicate field"),
        bad(
            name + "Content-Type text/plain",
            post(path, valid, "Content-Type: text/plain"),
            valid,
            415,
            "unsupported-media-type",
            path,
            "'application/json'"),
        bad(
            name + "no Content-Type",
            post(path, valid),
            valid,
            415,
            "unsupported-media-type",
            path,
            "'application/json'"),
        bad(
            name + "JSON declared in another charset",
            post(path, valid, "Content-Type: application/json; charset=iso-8859-1"),
            valid,
            415,
            "unsupported-media-type",
            path,
            "UTF-8"),
        bad(
            name + "Content-Encoding gzip on a plain body",
            json(path, valid, "Content-Encoding: gzip"),
            valid,
            415,
            "unsupported-media-type",
            path,
            "does not decode compressed request bodies"),
        new BadRequest(
            name + "gzip-compressed body",
            post(
                path,
                gzip(valid).length,
                "Content-Type: application/json",
                "Content-Encoding: gzip"),
            gzip(valid),
            415,
            "unsupported-media-type",
            Optional.of(path),
            "does not decode compressed request bodies"),
        new BadRequest(
            name + "neither Content-Length nor Transfer-Encoding (411)",
            "POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json",
            new byte[0],
            411,
            "length-required",
            Optional.of(path),
            "Content-Length"));
  }

  /** Headers the start route reads and refuses when invalid. */
  private static List<BadRequest> startHeaders() {
    String body = SagaFlows.ORDER.formatted("headers");
    return List.of(
        badStart(
            "start: all-zero traceparent",
            body,
            "Header traceparent has an all-zero trace id",
            "traceparent: 00-00000000000000000000000000000000-0000000000000000-01"),
        badStart(
            "start: traceparent with an all-zero trace id",
            body,
            "Header traceparent has an all-zero trace id",
            "traceparent: 00-00000000000000000000000000000000-00f067aa0ba902b7-01"),
        badStart(
            "start: traceparent with an all-zero parent id",
            body,
            "Header traceparent has an all-zero parent id",
            "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01"),
        badStart(
            "start: traceparent of version ff",
            body,
            "Header traceparent has version ff",
            "traceparent: ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"),
        badStart(
            "start: traceparent in upper case",
            body,
            "Header traceparent is not W3C trace context",
            "traceparent: 00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01"),
        badStart(
            "start: traceparent sent twice",
            body,
            "Header traceparent was sent 2 times",
            "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b8-01"),
        badStart(
            "start: Idempotency-Key sent twice",
            body,
            "Header Idempotency-Key was sent 2 times",
            "Idempotency-Key: k-1",
            "Idempotency-Key: k-2"));
  }

  static Stream<Arguments> wellFormed() {
    List<Arguments> all = new ArrayList<>();
    for (Entry entry : ENTRIES) {
      all.add(
          Arguments.of(
              entry.name() + ": valid JSON",
              json(entry.path(), entry.validBody()),
              utf8(entry.validBody())));
    }
    String body = SagaFlows.ORDER.formatted("well-formed");
    all.add(
        Arguments.of(
            "start: JSON with charset=UTF-8, identity encoding and a valid traceparent",
            post(
                START,
                body,
                "Content-Type: application/json; charset=UTF-8",
                "Content-Encoding: identity",
                "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"),
            utf8(body)));
    all.add(
        Arguments.of(
            "start: chunked body without Content-Length",
            "POST "
                + START
                + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json"
                + "\r\nTransfer-Encoding: chunked",
            utf8(Integer.toHexString(utf8(body).length) + "\r\n" + body + "\r\n0\r\n\r\n")));
    return all.stream();
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

  private static BadRequest badStart(String kind, String body, String detail, String... headers) {
    return new BadRequest(
        kind,
        json(START, body, headers),
        utf8(body),
        400,
        "invalid-request",
        Optional.of(START),
        detail);
  }

  private static String get(String target, String... headers) {
    return head("GET " + target + " HTTP/1.1", headers);
  }

  private static String json(String path, String body, String... headers) {
    String[] all = new String[headers.length + 1];
    all[0] = "Content-Type: application/json";
    System.arraycopy(headers, 0, all, 1, headers.length);
    return post(path, body, all);
  }

  private static String post(String path, String body, String... headers) {
    return post(path, utf8(body).length, headers);
  }

  private static String post(String path, int length, String... headers) {
    String[] all = new String[headers.length + 1];
    all[0] = "Content-Length: " + length;
    System.arraycopy(headers, 0, all, 1, headers.length);
    return head("POST " + path + " HTTP/1.1", all);
  }

  private static String head(String requestLine, String... headers) {
    StringBuilder head = new StringBuilder(requestLine).append("\r\nHost: localhost");
    for (String header : headers) {
      head.append("\r\n").append(header);
    }
    return head.toString();
  }

  /** {@code body} with a field {@code zz} given twice ahead of its own fields. */
  private static String duplicated(String body) {
    return body.replaceFirst("\\{", "{\"zz\": 1, \"zz\": 2, ");
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] gzip(String text) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
      zip.write(utf8(text));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
