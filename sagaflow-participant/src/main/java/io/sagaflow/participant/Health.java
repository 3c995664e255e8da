package io.sagaflow.participant;

import java.util.Objects;
import java.util.Optional;

/**
 * Whether a participant is serving its command topic.
 *
 * @param state what the loop is doing
 * @param cause what ended it, for {@link State#FAILED}; empty otherwise
 */
public record Health(State state, Optional<Throwable> cause) {

  /** The states of a participant's loop. */
  public enum State {
    /** Its loop is polling the command topic and answering. */
    RUNNING,
    /** It was closed; commands wait for the next instance of the service. */
    STOPPED,
    /**
     * Its loop died (its permissions or settings were refused, a reply could not be written for a
     * reason that retrying cannot cure, the registry could not be reached, an {@link Error} in a
     * handler) and is not restarted: commands wait unanswered until the service restarts it. {@link
     * Health#cause()} says why.
     */
    FAILED
  }

  /** Rejects a cause on a state that has none, and a FAILED state without one. */
  public Health {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(cause, "cause");
    if ((state == State.FAILED) != cause.isPresent()) {
      throw new IllegalArgumentException("a cause comes with FAILED and only with it");
    }
  }

  static Health running() {
    return new Health(State.RUNNING, Optional.empty());
  }

  static Health stopped() {
    return new Health(State.STOPPED, Optional.empty());
  }

  static Health failed(Throwable cause) {
    return new Health(State.FAILED, Optional.of(cause));
  }

  /** True while the loop serves commands. */
  public boolean isRunning() {
    return state == State.RUNNING;
  }
}
