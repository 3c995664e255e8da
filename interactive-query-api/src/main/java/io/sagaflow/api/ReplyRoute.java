package io.sagaflow.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import io.sagaflow.contract.StepOutcome;
import io.sagaflow.contract.StepReply;
import io.sagaflow.engine.ReplyMapping;
import io.sagaflow.engine.SagaDefinition;
import io.sagaflow.engine.SagaRegistry;
import io.sagaflow.engine.StepDefinition;
import io.sagaflow.topology.DataCodec;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;

/**
 * The callback route for participants that speak HTTP: turns {@code POST
 * /sagas/{sagaId}/steps/{step}/reply} into the {@link StepReply} a Kafka participant would send.
 * The step's typed result is read into the class the step's definition expects, so a wrong result
 * is a 400 here rather than an INVALID reply in the processor.
 */
final class ReplyRoute {
  private final SagaRegistry registry;
  private final DataCodec codec;
  private final SagaInputs inputs;
  private final JsonBodies bodies;

  ReplyRoute(SagaRegistry registry, DataCodec codec, SagaInputs inputs, JsonBodies bodies) {
    this.registry = registry;
    this.codec = codec;
    this.inputs = inputs;
    this.bodies = bodies;
  }

  void reply(Context ctx) {
    String sagaId = PathParams.name(ctx, "sagaId");
    String step = PathParams.name(ctx, "step");
    JsonNode body = bodies.object(ctx);
    JsonNode attempt = body.get("attempt");
    if (attempt == null
        || !attempt.canConvertToInt()
        || !attempt.isIntegralNumber()
        || attempt.intValue() < 1) {
      throw ApiProblem.badRequest(
          "Field 'attempt' must be the command's saga_attempt header, an integer >= 1.");
    }
    String commandId =
        JsonBodies.text(body, "commandId")
            .orElseThrow(
                () ->
                    ApiProblem.badRequest(
                        "Field 'commandId' is required: the command's ce_id header."));
    StepOutcome outcome = outcome(body);
    StepReply reply =
        StepReply.newBuilder()
            .setStep(step)
            .setAttempt(attempt.intValue())
            .setCommandId(commandId)
            .setOutcome(outcome)
            .setErrorCode(JsonBodies.text(body, "errorCode").orElse(null))
            .setErrorMessage(JsonBodies.text(body, "errorMessage").orElse(null))
            .setStepResult(
                result(step, body).map(r -> ByteBuffer.wrap(codec.encode(r))).orElse(null))
            .build();
    inputs.reply(sagaId, reply);
    EntryRoutes.accepted(ctx, sagaId);
  }

  private static StepOutcome outcome(JsonNode body) {
    List<String> allowed = List.of("SUCCEEDED", "BUSINESS_FAILURE", "RETRIABLE_FAILURE");
    String value =
        JsonBodies.text(body, "outcome")
            .filter(allowed::contains)
            .orElseThrow(
                () -> ApiProblem.badRequest("Field 'outcome' must be one of " + allowed + "."));
    return StepOutcome.valueOf(value);
  }

  private Optional<SpecificRecord> result(String step, JsonNode body) {
    JsonNode json = body.get("result");
    if (json == null || json.isNull()) {
      return Optional.empty();
    }
    List<Class<?>> types =
        registry.all().stream()
            .map(SagaDefinition::steps)
            .flatMap(List::stream)
            .filter(s -> s.name().equals(step))
            .map(StepDefinition::onSuccess)
            .flatMap(Optional::stream)
            .<Class<?>>map(ReplyMapping::resultType)
            .distinct()
            .toList();
    if (types.isEmpty()) {
      throw ApiProblem.badRequest(
          "Step '" + step + "' takes no result in any registered saga; leave 'result' out.");
    }
    Optional<String> named = JsonBodies.text(body, "resultType");
    List<Class<?>> chosen =
        named.map(n -> types.stream().filter(t -> t.getName().equals(n)).toList()).orElse(types);
    if (chosen.size() != 1) {
      throw ApiProblem.badRequest(
          "Step '"
              + step
              + "' takes a result of one of "
              + Arrays.toString(types.stream().map(Class::getName).toArray())
              + "; name it in 'resultType'.");
    }
    return Optional.of(JsonRecordReader.read(json, recordClass(chosen.get(0)), "Field 'result'"));
  }

  @SuppressWarnings("unchecked")
  private static Class<? extends SpecificRecord> recordClass(Class<?> type) {
    if (!SpecificRecord.class.isAssignableFrom(type)) {
      throw new IllegalStateException("Result type " + type + " is not an Avro record");
    }
    return (Class<? extends SpecificRecord>) type;
  }
}
