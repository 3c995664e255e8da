package io.sagaflow.api;

import io.javalin.http.Context;

/**
 * The gate in front of the saga entrypoints (start, cancel, operator, callback): closed with 503
 * while sagas are disabled, and asking for the bearer token when one is configured.
 */
final class EntryGuard {
  private final boolean sagasEnabled;
  private final BearerAuth auth;

  EntryGuard(boolean sagasEnabled, BearerAuth auth) {
    this.sagasEnabled = sagasEnabled;
    this.auth = auth;
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
    auth.require(ctx);
  }
}
