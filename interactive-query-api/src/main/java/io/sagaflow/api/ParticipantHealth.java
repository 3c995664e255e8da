package io.sagaflow.api;

import java.util.Objects;
import java.util.Optional;

/**
 * The state of one participant running in this process beside the processor (the demo's simulated
 * participants), as readiness reports it. A failed one makes the instance unready: sagas waiting on
 * its steps would otherwise time out with nothing on the health routes to say why.
 *
 * @param name the participant's name
 * @param status whether it runs
 * @param reason why it failed, as {@link FailureSummary#oneLine()} or a sentence; present exactly
 *     when it failed
 */
public record ParticipantHealth(String name, Status status, Optional<String> reason) {

  /** Rejects missing parts, and a reason without a failure or a failure without one. */
  public ParticipantHealth {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(reason, "reason");
    if (reason.isPresent() != (status == Status.FAILED)) {
      throw new IllegalArgumentException("a reason goes with FAILED and only with it");
    }
  }

  /** Whether a participant runs. */
  public enum Status {
    /** Consuming its commands and answering them. */
    RUNNING,
    /** Its thread ended while the instance runs: its commands wait unanswered. */
    FAILED,
    /** Stopped on purpose, as the instance shuts down. */
    STOPPED
  }

  public static ParticipantHealth running(String name) {
    return new ParticipantHealth(name, Status.RUNNING, Optional.empty());
  }

  public static ParticipantHealth failed(String name, String reason) {
    return new ParticipantHealth(name, Status.FAILED, Optional.of(reason));
  }

  public static ParticipantHealth stopped(String name) {
    return new ParticipantHealth(name, Status.STOPPED, Optional.empty());
  }
}
