package io.sagaflow.participant;

import io.sagaflow.contract.DeadLetterReason;

/** A command record the kit cannot hand to a handler; it goes to the dead-letter topic. */
final class PoisonCommandException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final DeadLetterReason reason;

  PoisonCommandException(DeadLetterReason reason, String detail, Throwable cause) {
    super(detail, cause);
    this.reason = reason;
  }

  static PoisonCommandException invalid(String detail) {
    return new PoisonCommandException(DeadLetterReason.VALIDATION_FAILED, detail, null);
  }

  DeadLetterReason reason() {
    return reason;
  }
}
