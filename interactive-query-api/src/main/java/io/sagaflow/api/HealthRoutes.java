package io.sagaflow.api;

import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Liveness (the process answers) and readiness (Kafka Streams is RUNNING and the saga-state store
 * answers queries). With sagas disabled the instance is ready as far as it can be: the answer says
 * {@code sagasEnabled: false} so nobody mistakes it for a working processor.
 */
final class HealthRoutes {
  private final KafkaStreams streams;
  private final LocalStore store;
  private final boolean sagasEnabled;

  HealthRoutes(KafkaStreams streams, boolean sagasEnabled) {
    this.streams = streams;
    this.store = new LocalStore(streams);
    this.sagasEnabled = sagasEnabled;
  }

  static void live(Context ctx) {
    ctx.json(Map.of("status", "UP"));
  }

  /**
   * Readiness of an instance that runs no processor because sagas are disabled: ready, so the
   * rollout does not fail, and saying so, so nobody mistakes it for a working processor.
   */
  static void withoutProcessor(Context ctx) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", "READY");
    body.put("sagasEnabled", false);
    body.put("streamsState", "NOT_STARTED");
    body.put("storeQueryable", false);
    body.put("detail", "Sagas are disabled (SAGA_ENABLED=false): no saga processor runs here.");
    ctx.json(body);
  }

  void ready(Context ctx) {
    KafkaStreams.State state = streams.state();
    boolean running = state == KafkaStreams.State.RUNNING;
    boolean queryable = running && store.queryable();
    boolean ready = queryable || !sagasEnabled;
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", ready ? "READY" : "NOT_READY");
    body.put("sagasEnabled", sagasEnabled);
    body.put("streamsState", state.name());
    body.put("storeQueryable", queryable);
    if (!ready) {
      body.put(
          "detail",
          running
              ? "Kafka Streams is RUNNING but the saga-state store is still restoring or moving."
              : "Kafka Streams is " + state + ", not RUNNING.");
      ctx.header("Retry-After", "1");
    }
    ctx.status(ready ? 200 : 503).json(body);
  }
}
