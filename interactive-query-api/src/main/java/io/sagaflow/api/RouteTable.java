package io.sagaflow.api;

import static io.sagaflow.api.ApiRoute.Access.ENTRY;
import static io.sagaflow.api.ApiRoute.Access.OPEN;
import static io.sagaflow.api.ApiRoute.Access.READ;
import static io.sagaflow.api.ApiRoute.get;
import static io.sagaflow.api.ApiRoute.post;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Handler;
import java.util.List;

/**
 * Every route the API serves, one row each: method, path, access level, handler. The rows are
 * exactly the operations of {@code openapi.yaml}, which a test checks, and both kinds of instance
 * (over a processor or without one) serve the same rows with different {@link SagaEndpoints}.
 */
final class RouteTable {
  /** Where the API serves its own contract. */
  static final String OPENAPI = "/openapi.yaml";

  private final List<ApiRoute> routes;

  private RouteTable(List<ApiRoute> routes) {
    this.routes = List.copyOf(routes);
  }

  /** The API's routes, with the saga routes answered by {@code saga}. */
  static RouteTable of(
      SagaEndpoints saga, RolloutEndpoints rollouts, Metrics metrics, UiRoutes ui, byte[] openapi) {
    return new RouteTable(
        List.of(
            get(OPENAPI, OPEN, ctx -> ctx.contentType("application/yaml").result(openapi)),
            get("/sagas", READ, saga::search),
            get("/sagas/{sagaId}", READ, saga::status),
            get("/sagas/{sagaId}/dead-letters", READ, saga::deadLetters),
            post("/sagas/{type}", ENTRY, saga::start),
            post("/sagas/{sagaId}/cancel", ENTRY, saga::cancel),
            post("/sagas/{sagaId}/operator", ENTRY, saga::operator),
            post("/sagas/{sagaId}/steps/{step}/reply", ENTRY, saga::reply),
            get("/console/overview", READ, saga::overview),
            get("/console/saga-types", READ, saga::sagaTypes),
            get("/dead-letters", READ, saga::deadLetterSearch),
            get("/dead-letters/{letterId}", READ, saga::deadLetter),
            post("/dead-letters/{letterId}/redrive", ENTRY, saga::redriveOne),
            post("/dead-letters/redrive", ENTRY, saga::redriveBulk),
            get("/rollouts", READ, rollouts::list),
            get("/rollouts/{type}", READ, rollouts::status),
            post("/rollouts/{type}", ENTRY, rollouts::start),
            post("/rollouts/{type}/promote", ENTRY, rollouts::promote),
            post("/rollouts/{type}/rollback", ENTRY, rollouts::rollback),
            get("/health/live", OPEN, saga::live),
            get("/health/ready", OPEN, saga::ready),
            get("/metrics", OPEN, metrics::scrape),
            get("/ui", OPEN, ui::page),
            get("/ui/assets/{file}", OPEN, ui::asset)));
  }

  /** The rows, in registration order. */
  List<ApiRoute> routes() {
    return routes;
  }

  /** Registers every row on {@code config}, each handler behind the gate of its access level. */
  void install(RoutesConfig config, RouteGates gates) {
    for (ApiRoute route : routes) {
      Handler handler = route.handler();
      ApiRoute.Access access = route.access();
      config.addHttpHandler(
          route.method(),
          route.path(),
          ctx -> {
            gates.check(access, ctx);
            handler.handle(ctx);
          });
    }
  }
}
