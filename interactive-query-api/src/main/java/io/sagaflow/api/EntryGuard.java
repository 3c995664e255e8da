package io.sagaflow.api;

import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * The gate in front of the saga entrypoints (start, cancel, operator, callback): closed with 503
 * while sagas are disabled, and asking for the bearer token when one is configured.
 */
final class EntryGuard {
  private final boolean sagasEnabled;
  private final Optional<byte[]> token;

  EntryGuard(boolean sagasEnabled, Optional<String> bearerToken) {
    this.sagasEnabled = sagasEnabled;
    this.token = bearerToken.map(t -> t.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The answer of every saga route on an instance without a processor: it has no state to read and
   * takes no input.
   */
  static ApiProblem withoutProcessor() {
    return ApiProblem.of(
        503,
        "sagas-disabled",
        "Sagas are disabled",
        "This instance runs with sagas disabled (SAGA_ENABLED=false): it runs no saga processor,"
            + " so it holds no saga state and accepts no start, cancel, operator or reply input."
            + " Use an instance with sagas enabled, or set SAGA_ENABLED=true and restart.");
  }

  void check(Context ctx) {
    if (!sagasEnabled) {
      throw ApiProblem.of(
          503,
          "sagas-disabled",
          "Sagas are disabled",
          "This instance runs with sagas disabled (SAGA_ENABLED=false), so it accepts no start,"
              + " cancel, operator or reply input. Set SAGA_ENABLED=true to enable them.");
    }
    if (token.isEmpty()) {
      return;
    }
    String header = Optional.ofNullable(ctx.header("Authorization")).orElse("");
    String prefix = "Bearer ";
    boolean ok =
        header.regionMatches(true, 0, prefix, 0, prefix.length())
            // Constant-time comparison: the time taken must not reveal how much of a guess matched.
            && MessageDigest.isEqual(
                token.get(),
                header.substring(prefix.length()).trim().getBytes(StandardCharsets.UTF_8));
    if (!ok) {
      ctx.header("WWW-Authenticate", "Bearer");
      throw ApiProblem.of(
          401,
          "unauthorized",
          "Bearer token required",
          header.isEmpty()
              ? "This route needs an 'Authorization: Bearer <token>' header with the API token"
                  + " configured for this deployment."
              : "The bearer token in the Authorization header is not the one configured for this"
                  + " deployment.");
    }
  }
}
