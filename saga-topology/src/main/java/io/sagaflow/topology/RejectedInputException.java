package io.sagaflow.topology;

import io.sagaflow.contract.DeadLetterReason;
import java.util.Optional;

/**
 * An input the processor read but will not apply: it belongs in the dead-letter topic with {@link
 * #reason()}. Thrown before anything is written, so the processing exception handler can resume
 * without leaving half-applied state behind.
 */
public final class RejectedInputException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final DeadLetterReason reason;
  private final String sagaId;

  /** An input rejected for {@code reason}; {@code detail} is the sentence an operator reads. */
  public RejectedInputException(DeadLetterReason reason, Optional<String> sagaId, String detail) {
    super(detail);
    this.reason = reason;
    this.sagaId = sagaId.orElse(null);
  }

  /** Why the input was rejected. */
  public DeadLetterReason reason() {
    return reason;
  }

  /** The saga the input was for, when known. */
  public Optional<String> sagaId() {
    return Optional.ofNullable(sagaId);
  }
}
