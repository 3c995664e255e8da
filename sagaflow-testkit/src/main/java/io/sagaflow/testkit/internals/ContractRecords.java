package io.sagaflow.testkit.internals;

import io.sagaflow.contract.StartSaga;
import io.sagaflow.contract.StepOutcome;
import io.sagaflow.contract.StepReply;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Optional;

/**
 * The input records a client and a participant write: the one place the kit and the core's topology
 * tests build {@link StartSaga} and {@link StepReply} records, so every scripted client and
 * participant correlates the same way.
 *
 * <p>Internal to the test kit: its shape may change without notice.
 */
public final class ContractRecords {
  private ContractRecords() {}

  /**
   * A start request for saga type {@code sagaType} (at {@code version}, the latest if empty);
   * {@code data} is the data record already framed in the wire format.
   */
  public static StartSaga startSaga(
      String sagaType, Optional<Integer> version, byte[] data, Instant requestedAt) {
    return StartSaga.newBuilder()
        .setSagaType(sagaType)
        .setDefinitionVersion(version.orElse(null))
        .setData(ByteBuffer.wrap(data))
        .setRequestedAt(requestedAt)
        .build();
  }

  /**
   * A reply to the command for {@code step} at {@code attempt} with id {@code commandId}; {@code
   * stepResult} is the result record already framed in the wire format.
   */
  public static StepReply stepReply(
      String step,
      int attempt,
      String commandId,
      StepOutcome outcome,
      Optional<String> errorCode,
      Optional<String> errorMessage,
      Optional<byte[]> stepResult) {
    return StepReply.newBuilder()
        .setStep(step)
        .setAttempt(attempt)
        .setCommandId(commandId)
        .setOutcome(outcome)
        .setErrorCode(errorCode.orElse(null))
        .setErrorMessage(errorMessage.orElse(null))
        .setStepResult(stepResult.map(ByteBuffer::wrap).orElse(null))
        .build();
  }
}
