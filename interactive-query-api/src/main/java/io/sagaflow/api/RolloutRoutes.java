package io.sagaflow.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import io.sagaflow.contract.Rollout;
import io.sagaflow.contract.RolloutRequest;
import io.sagaflow.engine.SagaRegistry;
import io.sagaflow.serde.AvroSerializer;
import io.sagaflow.serde.SchemaRegistry;
import io.sagaflow.topology.RolloutTopics;
import io.sagaflow.topology.RolloutTopology;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The rollout routes over a running processor. Requests are checked against the rollout this
 * instance last read, so an operator hears at once about a promote without an active rollout; the
 * controller checks again when it applies the request, and its answer is on saga.rollout.events
 * and, once applied, in {@code GET /rollouts/{type}}.
 */
final class RolloutRoutes implements RolloutEndpoints {
  private static final Duration SEND_TIMEOUT = Duration.ofSeconds(10);

  private final KafkaStreams streams;
  private final SagaRegistry registry;
  private final Producer<String, byte[]> producer;
  private final AvroSerializer<RolloutRequest> serializer;
  private final JsonBodies bodies;
  private final Clock clock;

  RolloutRoutes(
      KafkaStreams streams,
      SagaRegistry registry,
      SchemaRegistry schemas,
      Producer<String, byte[]> producer,
      boolean autoRegister,
      JsonBodies bodies,
      Clock clock) {
    this.streams = streams;
    this.registry = registry;
    this.producer = producer;
    this.serializer = RolloutTopics.REQUEST_RECORDS.serializer(schemas, autoRegister);
    this.bodies = bodies;
    this.clock = clock;
  }

  @Override
  public void list(Context ctx) {
    List<Map<String, Object>> all = new ArrayList<>();
    try (KeyValueIterator<String, Rollout> it = store().all()) {
      it.forEachRemaining(e -> all.add(RolloutView.of(e.value)));
    }
    ctx.json(Map.of("rollouts", all));
  }

  @Override
  public void status(Context ctx) {
    String type = PathParams.name(ctx, "type");
    Rollout rollout =
        current(type)
            .orElseThrow(
                () ->
                    ApiProblem.of(
                        404,
                        "no-rollout",
                        "No rollout",
                        "Saga type '" + type + "' has never had a rollout on this cluster."));
    ctx.json(RolloutView.of(rollout));
  }

  @Override
  public void start(Context ctx) {
    String type = knownType(ctx);
    JsonNode body = bodies.object(ctx);
    current(type)
        .filter(r -> "ACTIVE".equals(r.getPhase()))
        .ifPresent(
            r -> {
              throw ApiProblem.of(
                  409,
                  "rollout-active",
                  "A rollout is active",
                  "Rollout "
                      + r.getRolloutId()
                      + " of '"
                      + type
                      + "' is ACTIVE (v"
                      + r.getStableVersion()
                      + " -> v"
                      + r.getCandidateVersion()
                      + "); promote it or roll it back first.");
            });
    RolloutRequest request =
        base(ctx, type, "START", body)
            .setCandidateVersion(integer(body, "candidateVersion"))
            .setStableVersion(integer(body, "stableVersion"))
            .setWeight(integer(body, "weight"))
            .setMaxInvariantViolations(integer(body, "maxInvariantViolations"))
            .setMaxFailureRateIncrease(integer(body, "maxFailureRateIncrease"))
            .setMinSample(integer(body, "minSample"))
            .setStepLatencyBudgetMs(longValue(body, "stepLatencyBudgetMs"))
            .setMaxSlowStepShare(integer(body, "maxSlowStepShare"))
            .setOnRollback(JsonBodies.text(body, "onRollback").orElse(null))
            .setAutoPromoteAfterMs(longValue(body, "autoPromoteAfterMs"))
            .build();
    send(ctx, request);
  }

  @Override
  public void promote(Context ctx) {
    endActive(ctx, "PROMOTE");
  }

  @Override
  public void rollback(Context ctx) {
    endActive(ctx, "ROLLBACK");
  }

  private void endActive(Context ctx, String action) {
    String type = knownType(ctx);
    JsonNode body = bodies.object(ctx);
    if (current(type).filter(r -> "ACTIVE".equals(r.getPhase())).isEmpty()) {
      throw ApiProblem.of(
          409,
          "no-active-rollout",
          "No active rollout",
          action + " needs an ACTIVE rollout of '" + type + "'; GET /rollouts/" + type + ".");
    }
    send(ctx, base(ctx, type, action, body).build());
  }

  private RolloutRequest.Builder base(Context ctx, String type, String action, JsonNode body) {
    String requestId =
        Optional.ofNullable(ctx.header(EntryRoutes.IDEMPOTENCY_KEY))
            .filter(k -> !k.isBlank())
            .orElseGet(() -> UUID.randomUUID().toString());
    return RolloutRequest.newBuilder()
        .setRequestId(requestId)
        .setSagaType(type)
        .setAction(action)
        .setRequestedBy(JsonBodies.text(body, "requestedBy").orElse("http"))
        .setReason(JsonBodies.text(body, "reason").orElse(null))
        .setRequestedAt(clock.instant());
  }

  private void send(Context ctx, RolloutRequest request) {
    String topic = RolloutTopics.REQUESTS;
    try {
      producer
          .send(
              new ProducerRecord<>(
                  topic, request.getSagaType(), serializer.serialize(topic, request)))
          .get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApiProblem.unavailable("kafka-unavailable", "Interrupted writing to " + topic, 1);
    } catch (ExecutionException | TimeoutException e) {
      throw ApiProblem.unavailable(
          "kafka-unavailable",
          "Could not write to Kafka topic " + topic + " (" + e + "); nothing changed, retry.",
          5);
    }
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("requestId", request.getRequestId());
    answer.put("sagaType", request.getSagaType());
    answer.put("action", request.getAction());
    answer.put("status", "/rollouts/" + request.getSagaType());
    ctx.status(202).header("Location", "/rollouts/" + request.getSagaType()).json(answer);
  }

  private String knownType(Context ctx) {
    String type = PathParams.name(ctx, "type");
    if (registry.versions(type).isEmpty()) {
      throw ApiProblem.of(
          404,
          "unknown-saga-type",
          "Unknown saga type",
          "No saga type '" + type + "' is registered on this instance.");
    }
    return type;
  }

  private Optional<Rollout> current(String type) {
    return Optional.ofNullable(store().get(type));
  }

  private ReadOnlyKeyValueStore<String, Rollout> store() {
    try {
      return streams.store(
          StoreQueryParameters.fromNameAndType(
              RolloutTopology.ROLLOUTS_STORE,
              QueryableStoreTypes.<String, Rollout>keyValueStore()));
    } catch (InvalidStateStoreException e) {
      throw ApiProblem.unavailable(
          "not-ready",
          "The processor is not running yet (" + streams.state() + "); retry shortly.",
          1);
    }
  }

  private static Integer integer(JsonNode body, String field) {
    JsonNode node = body.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.canConvertToInt() || !node.isIntegralNumber()) {
      throw ApiProblem.badRequest("Field '" + field + "' must be an integer.");
    }
    return node.intValue();
  }

  private static Long longValue(JsonNode body, String field) {
    JsonNode node = body.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isIntegralNumber() || !node.canConvertToLong()) {
      throw ApiProblem.badRequest("Field '" + field + "' must be an integer.");
    }
    return node.longValue();
  }
}
