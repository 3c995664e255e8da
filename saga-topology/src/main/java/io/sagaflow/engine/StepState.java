package io.sagaflow.engine;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * The state of one step inside a {@link SagaState}. Immutable; every change goes through a method
 * that checks {@link StepStatus#canTransitionTo}, so an illegal move throws instead of overwriting.
 *
 * @param name the step's name in the definition
 * @param status where the step is in its lifecycle
 * @param attempt the last action attempt sent (0 before the first)
 * @param commandId the id of the last command sent for this step (action or compensation)
 * @param lastError the last failure seen, if any
 * @param startedAt when the first action was sent
 * @param finishedAt when the step last reached SUCCEEDED, FAILED, SKIPPED or a compensation end
 * @param compensationAttempt the last compensation attempt sent (0 before the first)
 * @param mayHaveApplied true once an action attempt timed out: its effect is unknown, so the step
 *     is compensated even if it ends FAILED
 */
public record StepState(
    String name,
    StepStatus status,
    int attempt,
    Optional<UUID> commandId,
    Optional<StepError> lastError,
    Optional<Instant> startedAt,
    Optional<Instant> finishedAt,
    int compensationAttempt,
    boolean mayHaveApplied) {

  /** Rejects missing parts. */
  public StepState {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(commandId, "commandId");
    Objects.requireNonNull(lastError, "lastError");
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(finishedAt, "finishedAt");
  }

  /** A step that has not started. */
  public static StepState pending(String name) {
    return new StepState(
        name,
        StepStatus.PENDING,
        0,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        0,
        false);
  }

  /** The current attempt of the given kind. */
  public int attemptOf(CommandKind kind) {
    return kind == CommandKind.ACTION ? attempt : compensationAttempt;
  }

  /** True when a reply to the current attempt of {@code kind} is expected. */
  public boolean awaits(CommandKind kind) {
    return status
        == (kind == CommandKind.ACTION ? StepStatus.AWAITING_REPLY : StepStatus.COMPENSATING);
  }

  StepState actionSent(UUID id, Instant now) {
    return new StepState(
        name,
        next(StepStatus.AWAITING_REPLY),
        attempt + 1,
        Optional.of(id),
        lastError,
        startedAt.or(() -> Optional.of(now)),
        Optional.empty(),
        compensationAttempt,
        mayHaveApplied);
  }

  StepState compensationSent(UUID id) {
    return new StepState(
        name,
        next(StepStatus.COMPENSATING),
        attempt,
        Optional.of(id),
        lastError,
        startedAt,
        finishedAt,
        compensationAttempt + 1,
        mayHaveApplied);
  }

  StepState finished(StepStatus to, Instant now) {
    return new StepState(
        name,
        next(to),
        attempt,
        commandId,
        lastError,
        startedAt,
        Optional.of(now),
        compensationAttempt,
        mayHaveApplied);
  }

  StepState failedWith(StepStatus to, StepError error, Optional<Instant> finished) {
    return new StepState(
        name,
        next(to),
        attempt,
        commandId,
        Optional.of(error),
        startedAt,
        finished,
        compensationAttempt,
        mayHaveApplied || error.isTimeoutOf(CommandKind.ACTION, attempt));
  }

  private StepStatus next(StepStatus to) {
    if (!status.canTransitionTo(to)) {
      throw new IllegalStateException(
          "illegal transition of step '"
              + name
              + "': "
              + status
              + " -> "
              + to
              + "; legal: "
              + status.successors());
    }
    return to;
  }
}
