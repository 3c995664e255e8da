package io.sagaflow.api;

import io.javalin.http.Context;

/** {@code GET /sagas/{sagaId}}: the saga's status, read locally or relayed from its owner. */
final class StatusRoute {
  private final SagaLookup lookup;

  StatusRoute(SagaLookup lookup) {
    this.lookup = lookup;
  }

  void handle(Context ctx) {
    String sagaId = PathParams.name(ctx, "sagaId");
    // A forwarded request is answered here whatever happens: forwarding again could loop.
    boolean forwarded = ctx.header(Forwarder.HEADER) != null;
    SagaLookup.Answer answer = lookup.find(sagaId, forwarded, Forwarder.authorization(ctx));
    if (answer instanceof SagaLookup.Local local) {
      ctx.json(local.body());
    } else {
      Forwarder.Answer relayed = ((SagaLookup.Forwarded) answer).answer();
      relayed.retryAfter().ifPresent(v -> ctx.header("Retry-After", v));
      ctx.status(relayed.status()).contentType(relayed.contentType()).result(relayed.body());
    }
  }
}
