package io.sagaflow.api;

import io.javalin.http.Handler;
import io.javalin.http.HandlerType;

/**
 * One row of the API's {@link RouteTable}: the method and path it answers, what a request must pass
 * before the handler sees it, and the handler.
 *
 * @param method the HTTP method
 * @param path the Javalin path, exactly as {@code openapi.yaml} names it
 * @param access the gate in front of the handler
 * @param handler what answers
 */
record ApiRoute(HandlerType method, String path, Access access, Handler handler) {

  /** What a request must pass before its handler runs; see {@link RouteGates}. */
  enum Access {
    /** Anyone: the contract, health, metrics and the UI, which probes and scrapers call. */
    OPEN,
    /**
     * Saga reads: the bearer token when {@link ApiSettings#tokenOnReads()} is set, checked before
     * anything else so an unauthorised caller learns nothing, not even whether a saga exists.
     */
    READ,
    /** Saga inputs (start, cancel, operator, reply): sagas enabled, then the bearer token. */
    ENTRY
  }

  static ApiRoute get(String path, Access access, Handler handler) {
    return new ApiRoute(HandlerType.GET, path, access, handler);
  }

  static ApiRoute post(String path, Access access, Handler handler) {
    return new ApiRoute(HandlerType.POST, path, access, handler);
  }

  /** {@code METHOD path}, as the contract test compares routes with {@code openapi.yaml}. */
  String signature() {
    return method.name() + " " + path;
  }
}
