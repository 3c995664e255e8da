package io.sagaflow.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.http.HandlerType;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RouteTableTest {
  private final Metrics metrics = Metrics.withoutProcessor();
  private final List<ApiRoute> routes =
      RouteTable.of(
              SagaEndpoints.withoutProcessor(),
              RolloutEndpoints.withoutProcessor(),
              metrics,
              new UiRoutes(),
              new byte[0])
          .routes();

  @AfterEach
  void close() {
    metrics.close();
  }

  /** Saga state, dead letters and the console's counts: everything that says what sagas do. */
  private static boolean sagaRoute(ApiRoute r) {
    return r.path().startsWith("/sagas")
        || r.path().startsWith("/dead-letters")
        || r.path().startsWith("/console")
        || r.path().startsWith("/rollouts");
  }

  @Test
  void shouldGuardEverySagaReadWithTheReadTokenAndEverySagaInputWithTheEntryGuard() {
    assertThat(routes)
        .filteredOn(RouteTableTest::sagaRoute)
        .hasSize(18)
        .allSatisfy(
            r ->
                assertThat(r.access())
                    .as(r.signature())
                    .isEqualTo(
                        r.method().equals(HandlerType.GET)
                            ? ApiRoute.Access.READ
                            : ApiRoute.Access.ENTRY));
  }

  @Test
  void shouldLeaveHealthMetricsContractAndUiOpen() {
    assertThat(routes)
        .filteredOn(r -> !sagaRoute(r))
        .extracting(ApiRoute::access)
        .containsOnly(ApiRoute.Access.OPEN);
    assertThat(routes)
        .extracting(ApiRoute::signature)
        .contains(
            "GET " + RouteTable.OPENAPI,
            "GET /health/ready",
            "GET /metrics",
            "POST /dead-letters/{letterId}/redrive",
            "POST /dead-letters/redrive")
        .doesNotHaveDuplicates();
  }
}
