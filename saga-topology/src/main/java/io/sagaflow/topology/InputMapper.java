package io.sagaflow.topology;

import io.sagaflow.contract.CancelSaga;
import io.sagaflow.contract.DeadLetterReason;
import io.sagaflow.contract.OperatorCommand;
import io.sagaflow.contract.StartSaga;
import io.sagaflow.contract.StepReply;
import io.sagaflow.engine.OperatorAction;
import io.sagaflow.engine.Outcome;
import io.sagaflow.engine.RolloutAssignment;
import io.sagaflow.engine.SagaInput;
import io.sagaflow.serde.AvroDeserializationException;
import io.sagaflow.serde.SagaHeaders;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Translates contract records read from Kafka into engine inputs. Anything that does not make sense
 * as an input (an unknown enum symbol, a malformed id, a payload of the wrong type) is rejected as
 * {@link DeadLetterReason#VALIDATION_FAILED} with a sentence saying what was wrong. Public so that
 * tools that replay committed inputs (the chaos verifier) turn records into inputs exactly as the
 * coordinator does.
 */
public final class InputMapper {
  private final DataCodec data;

  /** A mapper decoding saga data and step results with {@code data}. */
  public InputMapper(DataCodec data) {
    this.data = data;
  }

  /** A start of saga {@code sagaId} whose data decodes as {@code dataType}. */
  public SagaInput.Start<Object> start(
      String sagaId, StartSaga request, Class<?> dataType, Headers headers) {
    return start(sagaId, request, dataType, headers, Optional.empty());
  }

  /**
   * A start of saga {@code sagaId} whose data decodes as {@code dataType}, placed by {@code
   * rollout} when a rollout chose its version.
   */
  public SagaInput.Start<Object> start(
      String sagaId,
      StartSaga request,
      Class<?> dataType,
      Headers headers,
      Optional<RolloutAssignment> rollout) {
    Object sagaData;
    try {
      sagaData = data.decode(DataCodec.toArray(request.getData()), dataType);
    } catch (AvroDeserializationException | IllegalArgumentException e) {
      // Only bad data is the request's fault; a registry outage propagates and stops the task.
      throw invalid(
          sagaId,
          "StartSaga for type '"
              + request.getSagaType()
              + "' carries data that is not a readable "
              + dataType.getName()
              + ": "
              + e.getMessage());
    }
    return new SagaInput.Start<>(
        sagaId,
        request.getSagaType(),
        Optional.ofNullable(request.getDefinitionVersion()),
        sagaData,
        // Every saga gets a trace: see TraceParents for why a missing one is derived.
        Optional.of(
            header(headers, SagaHeaders.TRACEPARENT).orElseGet(() -> TraceParents.derived(sagaId))),
        rollout);
  }

  /** A cancellation. */
  public SagaInput cancel(CancelSaga request) {
    return new SagaInput.Cancel(request.getReason());
  }

  /** An operator's command for saga {@code sagaId}. */
  public SagaInput operator(String sagaId, OperatorCommand command) {
    OperatorAction action =
        switch (command.getAction()) {
          case RETRY_STEP -> OperatorAction.RETRY_STEP;
          case SKIP_STEP -> OperatorAction.SKIP_STEP;
          case FORCE_COMPENSATION -> OperatorAction.FORCE_COMPENSATION;
          case UNKNOWN ->
              throw invalid(
                  sagaId,
                  "OperatorCommand has an action this version does not know (read as UNKNOWN);"
                      + " use RETRY_STEP, SKIP_STEP or FORCE_COMPENSATION");
        };
    return new SagaInput.OperatorCommand(
        action,
        Optional.ofNullable(command.getStep()),
        "by " + command.getOperator() + ": " + command.getReason());
  }

  /** A participant's reply to a command of saga {@code sagaId}. */
  public SagaInput reply(String sagaId, StepReply reply) {
    UUID commandId;
    try {
      commandId = UUID.fromString(reply.getCommandId());
    } catch (IllegalArgumentException e) {
      throw invalid(
          sagaId,
          "StepReply for step '"
              + reply.getStep()
              + "' has commandId '"
              + reply.getCommandId()
              + "', which is not a UUID; copy the ce_id header of the command into it");
    }
    Outcome outcome =
        switch (reply.getOutcome()) {
          case SUCCEEDED ->
              new Outcome.Succeeded(
                  Optional.ofNullable(reply.getStepResult()).map(b -> result(sagaId, reply, b)));
          case BUSINESS_FAILURE ->
              new Outcome.BusinessFailure(
                  orEmpty(reply.getErrorCode()), orEmpty(reply.getErrorMessage()));
          case RETRIABLE_FAILURE ->
              new Outcome.RetriableFailure(
                  orEmpty(reply.getErrorCode()), orEmpty(reply.getErrorMessage()));
          case UNKNOWN ->
              throw invalid(
                  sagaId,
                  "StepReply for step '"
                      + reply.getStep()
                      + "' has an outcome this version does not know (read as UNKNOWN)");
        };
    return new SagaInput.StepReply(reply.getStep(), reply.getAttempt(), commandId, outcome);
  }

  private Object result(String sagaId, StepReply reply, ByteBuffer bytes) {
    try {
      return data.decodeAny(DataCodec.toArray(bytes));
    } catch (AvroDeserializationException e) {
      throw invalid(
          sagaId,
          "StepReply for step '"
              + reply.getStep()
              + "' has a stepResult that cannot be decoded: "
              + e.getMessage());
    }
  }

  static Optional<String> header(Headers headers, String name) {
    Header header = headers.lastHeader(name);
    if (header == null || header.value() == null || header.value().length == 0) {
      return Optional.empty();
    }
    return Optional.of(new String(header.value(), java.nio.charset.StandardCharsets.UTF_8));
  }

  private static RejectedInputException invalid(String sagaId, String detail) {
    return new RejectedInputException(
        DeadLetterReason.VALIDATION_FAILED, Optional.of(sagaId), detail);
  }

  private static String orEmpty(String value) {
    return value == null ? "" : value;
  }
}
