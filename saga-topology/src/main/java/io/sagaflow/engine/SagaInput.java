package io.sagaflow.engine;

import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Everything that can happen to a saga. The topology turns requests, replies, fired timers and
 * operator calls into these and hands each to {@link SagaEngine#decide}.
 */
public sealed interface SagaInput {

  /**
   * Start a saga.
   *
   * @param <D> saga data type, checked against the definition at run time
   * @param sagaId the new saga's id (the Kafka key)
   * @param type the saga type
   * @param version the definition version to use; empty for the latest
   * @param data the initial saga data
   * @param traceparent W3C trace context to propagate onto every command
   * @param rollout how a rollout placed the saga, when one chose its version (the start then names
   *     no version of its own); recorded in the state and the SAGA_STARTED event
   */
  record Start<D>(
      String sagaId,
      String type,
      Optional<Integer> version,
      D data,
      Optional<String> traceparent,
      Optional<RolloutAssignment> rollout)
      implements SagaInput {
    /** Rejects missing parts. */
    public Start {
      Objects.requireNonNull(sagaId, "sagaId");
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(version, "version");
      Objects.requireNonNull(data, "data");
      Objects.requireNonNull(traceparent, "traceparent");
      Objects.requireNonNull(rollout, "rollout");
    }

    /** A start no rollout placed. */
    public Start(
        String sagaId,
        String type,
        Optional<Integer> version,
        D data,
        Optional<String> traceparent) {
      this(sagaId, type, version, data, traceparent, Optional.empty());
    }
  }

  /**
   * A participant's reply to one command.
   *
   * @param step the step the command belonged to
   * @param attempt the attempt the command carried (action or compensation attempt)
   * @param commandId the id of the command, telling action from compensation
   * @param outcome what happened
   */
  record StepReply(String step, int attempt, UUID commandId, Outcome outcome) implements SagaInput {
    /** Rejects missing parts. */
    public StepReply {
      Objects.requireNonNull(step, "step");
      Objects.requireNonNull(commandId, "commandId");
      Objects.requireNonNull(outcome, "outcome");
    }
  }

  /**
   * A timer the engine scheduled is due.
   *
   * @param timer the timer as scheduled
   */
  record TimerFired(Timer timer) implements SagaInput {
    /** Rejects a missing timer. */
    public TimerFired {
      Objects.requireNonNull(timer, "timer");
    }
  }

  /**
   * A request to abandon the saga: compensates before the pivot, refused after it.
   *
   * @param reason recorded in the history and events
   */
  record Cancel(String reason) implements SagaInput {
    /** Rejects a missing reason. */
    public Cancel {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /**
   * An operator's command for a STUCK saga.
   *
   * @param action what to do
   * @param step the step it concerns; required for RETRY_STEP and SKIP_STEP
   * @param reason recorded in the history and events (who and why)
   */
  record OperatorCommand(OperatorAction action, Optional<String> step, String reason)
      implements SagaInput {
    /** Rejects missing parts. */
    public OperatorCommand {
      Objects.requireNonNull(action, "action");
      Objects.requireNonNull(step, "step");
      Objects.requireNonNull(reason, "reason");
    }
  }
}
