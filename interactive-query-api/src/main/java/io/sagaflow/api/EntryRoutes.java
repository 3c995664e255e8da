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
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
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
      Pattern.compile("([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})");
  private static final int MAX_KEY_LENGTH = 200;

  private final SagaRegistry registry;
  private final DataCodec codec;
  private final SagaInputs inputs;
  private final JsonBodies bodies;
  private final IdempotencyKeys keys;

  EntryRoutes(
      SagaRegistry registry,
      DataCodec codec,
      SagaInputs inputs,
      JsonBodies bodies,
      IdempotencyKeys keys) {
    this.registry = registry;
    this.codec = codec;
    this.inputs = inputs;
    this.bodies = bodies;
    this.keys = keys;
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
    Optional<String> traceparent = traceparent(ctx);
    SpecificRecord data =
        JsonRecordReader.read(bodies.object(ctx), dataClass(definition), "The saga data");
    String sagaId = SagaIds.forStart(type, key);
    byte[] encoded = codec.encode(data);
    Optional<IdempotencyKeys.Admitted> admitted =
        key.map(
            k ->
                keys.admit(
                    new IdempotencyKeys.Start(
                        sagaId,
                        k,
                        definition.version(),
                        data,
                        IdempotencyKeys.digest(encoded),
                        Forwarder.authorization(ctx))));
    StartSaga start =
        StartSaga.newBuilder()
            .setSagaType(type)
            .setDefinitionVersion(null)
            .setData(ByteBuffer.wrap(encoded))
            .setIdempotencyKey(key.orElse(null))
            .setRequestedAt(Instant.now())
            .build();
    Map<String, String> headers = new LinkedHashMap<>();
    traceparent.ifPresent(tp -> headers.put(SagaHeaders.TRACEPARENT, tp));
    try {
      inputs.request(sagaId, start, headers);
    } catch (RuntimeException e) {
      admitted.ifPresent(keys::notWritten);
      throw e;
    }
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
    Optional<String> key = single(ctx, IDEMPOTENCY_KEY);
    if (key.isPresent() && (key.get().isBlank() || key.get().length() > MAX_KEY_LENGTH)) {
      throw ApiProblem.badRequest(
          "Header Idempotency-Key must be 1-" + MAX_KEY_LENGTH + " non-blank characters.");
    }
    return key;
  }

  /**
   * A valid W3C trace context or none. All-zero ids and version ff are invalid by the
   * specification; copied onto the saga's records they would give its commands a broken trace.
   */
  private static Optional<String> traceparent(Context ctx) {
    Optional<String> value = single(ctx, SagaHeaders.TRACEPARENT);
    if (value.isEmpty()) {
      return value;
    }
    Matcher parts = TRACEPARENT.matcher(value.get());
    if (!parts.matches()) {
      throw badTraceparent(
          value.get(), "is not W3C trace context (version-traceid-parentid-flags, lowercase hex)");
    }
    if (parts.group(1).equals("ff")) {
      throw badTraceparent(value.get(), "has version ff, which W3C trace context forbids");
    }
    if (parts.group(2).chars().allMatch(c -> c == '0')) {
      throw badTraceparent(value.get(), "has an all-zero trace id, which is invalid");
    }
    if (parts.group(3).chars().allMatch(c -> c == '0')) {
      throw badTraceparent(value.get(), "has an all-zero parent id, which is invalid");
    }
    return value;
  }

  private static ApiProblem badTraceparent(String value, String why) {
    return ApiProblem.badRequest(
        "Header traceparent "
            + why
            + "; got '"
            + (value.length() > 64 ? value.substring(0, 64) + "..." : value)
            + "'. Send a valid one, such as"
            + " 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01, or none.");
  }

  /** The header {@code name} if sent once; a header sent twice has no single meaning. */
  private static Optional<String> single(Context ctx, String name) {
    List<String> values = Collections.list(ctx.req().getHeaders(name));
    if (values.size() > 1) {
      throw ApiProblem.badRequest(
          "Header " + name + " was sent " + values.size() + " times; send it once.");
    }
    return values.stream().findFirst();
  }
}
