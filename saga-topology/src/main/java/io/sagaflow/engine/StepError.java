package io.sagaflow.engine;

import java.time.Instant;
import java.util.Objects;

/**
 * The last failure seen for a step, kept in state for operators and for classifying late replies.
 *
 * @param code participant error code, or {@link #TIMEOUT} when the attempt timed out
 * @param message human-readable detail
 * @param kind whether the action or the compensation failed
 * @param attempt the attempt (action or compensation attempt) that failed
 * @param at when the engine learnt of the failure
 */
public record StepError(String code, String message, CommandKind kind, int attempt, Instant at) {
  /** The code of a failure recorded because no reply came before the step's timeout. */
  public static final String TIMEOUT = "TIMEOUT";

  /** Rejects missing parts. */
  public StepError {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(at, "at");
  }

  /** True when this records a timeout of {@code kind} attempt {@code attemptNumber}. */
  public boolean isTimeoutOf(CommandKind commandKind, int attemptNumber) {
    return code.equals(TIMEOUT) && kind == commandKind && attempt == attemptNumber;
  }

  /** "code: message", as used in reasons and events. */
  public String describe() {
    return code + ": " + message;
  }
}
