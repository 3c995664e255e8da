package io.sagaflow.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Answers what Jetty refuses before any route sees the request (a request line or header block over
 * the limit, a malformed request line or header, a path its URI compliance rejects, an unknown HTTP
 * version) with the same RFC 9457 problem documents the routes answer, instead of Jetty's HTML
 * error page. Clients parse one error format, whichever layer refused them.
 */
final class TransportProblems extends ErrorHandler {
  /**
   * Request line plus header fields, at most. Set on the connector here so that the 414 and 431
   * answers can name the limit they enforce.
   */
  static final int REQUEST_HEADER_BYTES = 8 * 1024;

  /** Longest request path echoed as {@code instance}; a 414's path is never echoed. */
  private static final int MAX_INSTANCE_CHARS = 512;

  private static final String JETTY_UNPARSED_PATH = "/badMessage";

  private final ObjectMapper mapper;

  TransportProblems(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    int status = response.getStatus();
    Object message = request.getAttribute(ERROR_MESSAGE);
    String reason = message instanceof String s ? s : null;
    if (request.getAttribute(ERROR_EXCEPTION) instanceof HttpException http) {
      status = http.getCode();
      reason = http.getReason();
      response.setStatus(status);
      // The URI parser says what was wrong ("Bad URI", "Illegal character in path") only in the
      // cause; the reason alone is a bare "Bad Request".
      if (http instanceof Throwable t
          && t.getCause() != null
          && t.getCause().getMessage() != null) {
        reason = reason + " (" + t.getCause().getMessage() + ")";
      }
    }
    if (HttpStatus.hasNoBody(status) || HttpMethod.HEAD.is(request.getMethod())) {
      callback.succeeded();
      return true;
    }
    generateCacheControl(response);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, Problem.MEDIA_TYPE);
    byte[] body = document(problem(status, reason), instance(request, status));
    response.write(true, ByteBuffer.wrap(body), callback);
    return true;
  }

  static ApiProblem problem(int status, String jettyReason) {
    String reason =
        jettyReason == null || jettyReason.isBlank()
            ? Optional.ofNullable(HttpStatus.getMessage(status)).orElse("HTTP " + status)
            : jettyReason;
    return switch (status) {
      case 400 ->
          ApiProblem.of(
              400,
              "malformed-request",
              "Malformed request",
              "The request was refused before routing: "
                  + reason
                  + ". Send well-formed HTTP/1.1 with a Host header, header lines of"
                  + " 'name: value', and a path of plain segments: no '.' or '..' segments, no"
                  + " encoded '/', '\\', ';', NUL or control characters, and valid"
                  + " percent-encoded UTF-8.");
      case 414 ->
          ApiProblem.of(
              414,
              "uri-too-long",
              "URI too long",
              "The request line is longer than this server accepts (request line and headers"
                  + " together at most "
                  + REQUEST_HEADER_BYTES
                  + " bytes). Saga ids and types are at most 128 characters and search"
                  + " parameters are short: check how the URL was built.");
      case 431 ->
          ApiProblem.of(
              431,
              "headers-too-large",
              "Request header fields too large",
              "The request's header fields exceed this server's limit of "
                  + REQUEST_HEADER_BYTES
                  + " bytes (request line and headers together). This API reads only a few"
                  + " short headers (Authorization, Content-Type, Idempotency-Key of at most 200"
                  + " characters, traceparent): send fewer or shorter ones.");
      case 404 ->
          ApiProblem.of(
              404,
              "no-such-route",
              "No such route",
              "No route answers this request ("
                  + reason
                  + "); GET /openapi.yaml lists every route.");
      case 505 ->
          ApiProblem.of(
              505,
              "http-version-not-supported",
              "HTTP version not supported",
              "The request's HTTP version is not supported (" + reason + "); use HTTP/1.1.");
      default ->
          ApiProblem.of(
              status,
              "http-" + status,
              Optional.ofNullable(HttpStatus.getMessage(status)).orElse("HTTP " + status),
              "The request was refused before routing: " + reason + ".");
    };
  }

  private static Optional<String> instance(Request request, int status) {
    if (status == 414 || request.getHttpURI() == null) {
      return Optional.empty();
    }
    return Optional.ofNullable(request.getHttpURI().getPath())
        // Jetty's stand-in for a request line it could not parse: not the client's path.
        .filter(path -> !path.equals(JETTY_UNPARSED_PATH))
        .filter(path -> path.length() <= MAX_INSTANCE_CHARS);
  }

  private byte[] document(ApiProblem problem, Optional<String> instance) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("type", problem.type());
    out.put("title", problem.title());
    out.put("status", problem.status());
    out.put("detail", problem.getMessage());
    // RFC 9457 makes instance optional: left out when the path is unknown or too long to echo.
    instance.ifPresent(path -> out.put("instance", path));
    try {
      return mapper.writeValueAsBytes(out);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("A problem document must always serialize", e);
    }
  }
}
