package io.sagaflow.api;

import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Liveness and readiness of an instance over a processor.
 *
 * <p>Ready means Kafka Streams is RUNNING, the saga-state store answers queries, stream threads are
 * not being replaced more often than tolerated, and no participant running in this process has
 * failed. With sagas disabled the wait for RUNNING is waived, so a deliberately disabled instance
 * does not fail its rollout, but faults still count.
 *
 * <p>Live means the process can still get better by itself: only Kafka Streams in ERROR, which it
 * never leaves, fails liveness. A crash loop does not: the processor already replaces its dead
 * threads, which is all a restart would do, and a cause that comes back on every retry (a record
 * whose output can never be written) would come back after a restart too, while the restarts churn
 * the group; docs/operations.md says so.
 */
final class HealthRoutes {
  private final KafkaStreams streams;
  private final LocalStore store;
  private final boolean sagasEnabled;
  private final HealthSignals signals;

  HealthRoutes(KafkaStreams streams, boolean sagasEnabled, HealthSignals signals) {
    this.streams = streams;
    this.store = new LocalStore(streams);
    this.sagasEnabled = sagasEnabled;
    this.signals = signals;
  }

  /** Liveness of an instance without a processor: it answers, so it is alive. */
  static void liveWithoutProcessor(Context ctx) {
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

  void live(Context ctx) {
    KafkaStreams.State state = streams.state();
    Map<String, Object> body = new LinkedHashMap<>();
    boolean down = state == KafkaStreams.State.ERROR || state == KafkaStreams.State.PENDING_ERROR;
    body.put("status", down ? "DOWN" : "UP");
    body.put("streamsState", state.name());
    if (down) {
      body.put(
          "detail",
          "Kafka Streams is "
              + state
              + ": its stream threads have stopped and it does not recover by itself. Restart the"
              + " instance; the log has the exception that stopped it.");
    }
    ctx.status(down ? 503 : 200).json(body);
  }

  void ready(Context ctx) {
    KafkaStreams.State state = streams.state();
    boolean running = state == KafkaStreams.State.RUNNING;
    boolean queryable = running && store.queryable();
    StreamThreadReplacements.Snapshot replacements = signals.threadReplacements().snapshot();
    List<ParticipantHealth> participants = signals.participants().get();
    List<String> problems = new ArrayList<>();
    if (sagasEnabled && !queryable) {
      problems.add(streamsProblem(state, running));
    }
    if (replacements.tooMany()) {
      problems.add(HealthReport.crashLoop(replacements));
    }
    participants.stream()
        .filter(p -> p.status() == ParticipantHealth.Status.FAILED)
        .forEach(p -> problems.add(HealthReport.failed(p)));
    boolean ready = problems.isEmpty();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", ready ? "READY" : "NOT_READY");
    body.put("sagasEnabled", sagasEnabled);
    body.put("streamsState", state.name());
    body.put("storeQueryable", queryable);
    body.put("streamThreadReplacements", HealthReport.replacements(replacements));
    if (!participants.isEmpty()) {
      body.put("participants", HealthReport.participants(participants));
    }
    if (!ready) {
      body.put("detail", String.join(" ", problems));
      ctx.header("Retry-After", "1");
    }
    ctx.status(ready ? 200 : 503).json(body);
  }

  private static String streamsProblem(KafkaStreams.State state, boolean running) {
    if (running) {
      return "Kafka Streams is RUNNING but the saga-state store is still restoring or moving.";
    }
    if (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.PENDING_ERROR) {
      return "Kafka Streams is "
          + state
          + " and will not recover by itself; /health/live fails too, so the instance gets"
          + " restarted.";
    }
    if (state == KafkaStreams.State.PENDING_SHUTDOWN || state == KafkaStreams.State.NOT_RUNNING) {
      return "Kafka Streams is " + state + ": the processor is closing or closed.";
    }
    return "Kafka Streams is " + state + ", not RUNNING.";
  }
}
