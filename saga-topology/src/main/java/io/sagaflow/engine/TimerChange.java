package io.sagaflow.engine;

import java.util.Objects;

/** A change the topology applies to its timer store. */
public sealed interface TimerChange {
  /** The timer concerned. */
  Timer timer();

  /**
   * Store the timer; deliver it once {@code dueAt} has passed.
   *
   * @param timer the timer
   */
  record Schedule(Timer timer) implements TimerChange {
    /** Rejects a missing timer. */
    public Schedule {
      Objects.requireNonNull(timer, "timer");
    }
  }

  /**
   * Delete the timer; it is no longer needed (its reply came, or the saga ended).
   *
   * @param timer the timer
   */
  record Cancel(Timer timer) implements TimerChange {
    /** Rejects a missing timer. */
    public Cancel {
      Objects.requireNonNull(timer, "timer");
    }
  }
}
