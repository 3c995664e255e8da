package io.sagaflow.api;

import io.javalin.http.Context;
import java.util.Optional;

/**
 * The checks behind each {@link ApiRoute.Access} level. One place decides them, so a new route
 * states its access level and cannot forget a check.
 *
 * @param reads the token check on saga reads (passes everything unless token-on-reads is set)
 * @param entries the gate in front of saga inputs
 */
record RouteGates(BearerAuth reads, EntryGuard entries) {

  /** The gates of an instance over a processor, as {@code settings} configure them. */
  static RouteGates of(ApiSettings settings) {
    BearerAuth auth = new BearerAuth(settings.bearerToken());
    return new RouteGates(
        new BearerAuth(settings.tokenOnReads() ? settings.bearerToken() : Optional.empty()),
        new EntryGuard(settings.sagasEnabled(), auth));
  }

  /**
   * No checks, for an instance without a processor: its saga routes answer 503 to everyone, so
   * clients learn why whatever token they send.
   */
  static RouteGates none() {
    BearerAuth noToken = new BearerAuth(Optional.empty());
    return new RouteGates(noToken, new EntryGuard(true, noToken));
  }

  /** Passes, or throws the {@link ApiProblem} the caller receives. */
  void check(ApiRoute.Access access, Context ctx) {
    switch (access) {
      case OPEN -> {}
      case READ -> reads.require(ctx);
      case ENTRY -> entries.check(ctx);
    }
  }
}
