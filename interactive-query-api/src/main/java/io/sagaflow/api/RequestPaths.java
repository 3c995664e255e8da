package io.sagaflow.api;

import io.javalin.http.Context;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Refuses, before routing, paths Jetty lets through but no route should ever interpret: dot
 * segments ({@code /sagas/../metrics}, also percent-encoded), which a client or proxy may resolve
 * differently from the server, and control characters. Jetty already refuses encoded NUL, bad
 * percent-encoding and dot segments above the root ({@link TransportProblems}); this closes the
 * rest, with the same {@code malformed-request} type.
 */
final class RequestPaths {
  private RequestPaths() {}

  static void check(Context ctx) {
    String raw = ctx.path();
    for (String segment : raw.split("/", -1)) {
      String decoded = decode(segment, raw);
      if (decoded.equals(".") || decoded.equals("..")) {
        throw refused(
            raw,
            "has a '" + decoded + "' segment; send the path without dot segments, as resolved");
      }
      if (decoded.chars().anyMatch(RequestPaths::isControl)) {
        throw refused(raw, "has a control character in it");
      }
    }
  }

  private static String decode(String segment, String raw) {
    try {
      // URLDecoder is for forms, where '+' is a space; in a path it is a plus.
      return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw refused(raw, "is not valid percent-encoding (" + e.getMessage() + ")");
    }
  }

  private static boolean isControl(int c) {
    return c < 0x20 || c == 0x7f;
  }

  private static ApiProblem refused(String raw, String why) {
    return ApiProblem.of(
        400,
        "malformed-request",
        "Malformed request",
        "The request path "
            + (raw.length() > 128 ? raw.substring(0, 128) + "..." : raw)
            + " "
            + why
            + ". GET /openapi.yaml lists every route.");
  }
}
