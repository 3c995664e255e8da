package io.sagaflow.api;

import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * The bearer-token check shared by the entrypoints and, when {@link ApiSettings#tokenOnReads()} is
 * set, the read routes: one place decides what a valid {@code Authorization} header is, so reads
 * and writes can never disagree about it.
 */
final class BearerAuth {
  private final Optional<byte[]> token;

  BearerAuth(Optional<String> bearerToken) {
    this.token = bearerToken.map(t -> t.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Passes when no token is configured or the request carries it.
   *
   * @throws ApiProblem 401 {@code unauthorized} with {@code WWW-Authenticate: Bearer} otherwise
   */
  void require(Context ctx) {
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
