package io.sagaflow.chaos;

/**
 * One thing the verifier found wrong, naming the saga, command id or partition it is about.
 *
 * @param kind what rule was broken
 * @param detail which saga, command or partition, and what was seen instead
 */
public record Violation(Kind kind, String detail) {

  /** The rules the verifier checks. */
  public enum Kind {
    /** A started saga has no terminal event on saga.events and is not STUCK. */
    LOST,
    /** A saga is STUCK, but its SAGA_STUCK event gives no reason an operator could act on. */
    STUCK_WITHOUT_REASON,
    /** A saga ended in another status than the seed predicts. */
    WRONG_OUTCOME,
    /** A saga has more than one terminal event: it finished twice. */
    FINISHED_TWICE,
    /** A command id was committed more than once on the command topics. */
    DUPLICATE_COMMAND,
    /** A committed command carries no ce_id header. */
    COMMAND_WITHOUT_ID,
    /** The number of committed dead letters is not the number of bad inputs the run injected. */
    DEAD_LETTERS,
    /** A partition's last stable offset stayed behind its high watermark: a transaction open. */
    OPEN_TRANSACTION,
    /** A saga with events has no record in the saga-state changelog. */
    STATE_MISSING,
    /** The saga-state changelog's last record of a saga says another status than its events. */
    STATE_DISAGREES,
    /**
     * A saga's committed inputs, replayed through the engine with the timer firings its events
     * record, do not explain its committed events, or give another state than its last saga-state
     * changelog record.
     */
    STATE_NOT_REPLAYABLE,
    /** A timer fired for an attempt whose reply was already on saga.replies. */
    TIMER_BEAT_REPLY,
    /** A topic the verifier must read does not exist. */
    TOPIC_MISSING
  }

  @Override
  public String toString() {
    return kind + ": " + detail;
  }
}
