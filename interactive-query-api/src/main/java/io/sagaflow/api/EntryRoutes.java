package io.sagaflow.api;

import io.javalin.http.Context;
import io.sagaflow.contract.CancelSaga;
import io.sagaflow.contract.OperatorCommand;
import io.sagaflow.contract.StartSaga;
import io.sagaflow.engine.SagaDefinition;
import io.sagaflow.engine.SagaRegistry;
import io.sagaflow.serde.SagaHeaders;
import io.sagaflow.topology.DataCodec;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.avro.specific.SpecificRecord;

/**
 * The saga entrypoints: start, cancel and operator actions, each written to saga.requests keyed by
 * saga id. Every input is validated here, so what reaches Kafka decodes; what it means for the saga
 * (a duplicate start, a cancel after completion) is the engine's to decide.
 */
final class EntryRoutes {
  static final String IDEMPOTENCY_KEY = "Idempotency-Key";
  private static final Pattern TRACEPARENT =
      Pattern.compile("[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");
  private static final int MAX_KEY_LENGTH = 200;

  private final SagaRegistry registry;
  private final DataCodec codec;
  private final SagaInputs inputs;
  private final JsonBodies bodies;

  EntryRoutes(SagaRegistry registry, DataCodec codec, SagaInputs inputs, JsonBodies bodies) {
    this.registry = registry;
    this.codec = codec;
    this.inputs = inputs;
    this.bodies = bodies;
  }

  void start(Context ctx) {
    String type = PathParams.name(ctx, "type");
    SagaDefinition<?> definition =
        registry
            .latest(type)
            .orElseThrow(
                () ->
                    ApiProblem.of(
                        404,
                        "unknown-saga-type",
                        "Unknown saga type",
                        "No saga type '"
                            + type
                            + "' is registered; known types: "
                            + registry.all().stream().map(SagaDefinition::type).distinct().toList()
                            + "."));
    Optional<String> key = idempotencyKey(ctx);
    SpecificRecord data =
        JsonRecordReader.read(bodies.object(ctx), dataClass(definition), "The saga data");
    String sagaId = SagaIds.forStart(type, key);
    StartSaga start =
        StartSaga.newBuilder()
            .setSagaType(type)
            .setDefinitionVersion(null)
            .setData(ByteBuffer.wrap(codec.encode(data)))
            .setIdempotencyKey(key.orElse(null))
            .setRequestedAt(Instant.now())
            .build();
    Map<String, String> headers = new LinkedHashMap<>();
    traceparent(ctx).ifPresent(tp -> headers.put(SagaHeaders.TRACEPARENT, tp));
    inputs.request(sagaId, start, headers);
    String statusUrl = "/sagas/" + sagaId;
    ctx.status(202)
        .header("Location", statusUrl)
        .json(Map.of("sagaId", sagaId, "statusUrl", statusUrl));
  }

  void cancel(Context ctx) {
    String sagaId = PathParams.name(ctx, "sagaId");
    CancelSaga cancel =
        JsonRecordReader.read(bodies.object(ctx), CancelSaga.class, "The cancel request");
    inputs.request(sagaId, cancel, Map.of());
    accepted(ctx, sagaId);
  }

  void operator(Context ctx) {
    String sagaId = PathParams.name(ctx, "sagaId");
    OperatorCommand command =
        JsonRecordReader.read(bodies.object(ctx), OperatorCommand.class, "The operator action");
    if ("UNKNOWN".equals(command.getAction().name())) {
      throw ApiProblem.badRequest(
          "Field 'action' must be RETRY_STEP, SKIP_STEP or FORCE_COMPENSATION.");
    }
    inputs.request(sagaId, command, Map.of());
    accepted(ctx, sagaId);
  }

  static void accepted(Context ctx, String sagaId) {
    String statusUrl = "/sagas/" + sagaId;
    ctx.status(202)
        .header("Location", statusUrl)
        .json(Map.of("sagaId", sagaId, "statusUrl", statusUrl));
  }

  @SuppressWarnings("unchecked")
  private static Class<? extends SpecificRecord> dataClass(SagaDefinition<?> definition) {
    Class<?> type = definition.dataType();
    if (!SpecificRecord.class.isAssignableFrom(type)) {
      throw new IllegalStateException(
          "Saga '" + definition.type() + "' has data type " + type + ", not an Avro record");
    }
    return (Class<? extends SpecificRecord>) type;
  }

  private static Optional<String> idempotencyKey(Context ctx) {
    Optional<String> key = Optional.ofNullable(ctx.header(IDEMPOTENCY_KEY));
    if (key.isPresent() && (key.get().isBlank() || key.get().length() > MAX_KEY_LENGTH)) {
      throw ApiProblem.badRequest(
          "Header Idempotency-Key must be 1-" + MAX_KEY_LENGTH + " non-blank characters.");
    }
    return key;
  }

  private static Optional<String> traceparent(Context ctx) {
    Optional<String> value = Optional.ofNullable(ctx.header(SagaHeaders.TRACEPARENT));
    if (value.isPresent() && !TRACEPARENT.matcher(value.get()).matches()) {
      throw ApiProblem.badRequest(
          "Header traceparent is not W3C trace context (version-traceid-spanid-flags, lowercase"
              + " hex); got '"
              + value.get()
              + "'.");
    }
    return value;
  }
}
