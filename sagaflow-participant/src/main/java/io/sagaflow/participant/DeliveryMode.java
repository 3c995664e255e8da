package io.sagaflow.participant;

/** How a participant ties its replies to its consumed offsets. */
public enum DeliveryMode {
  /**
   * Replies are written and acknowledged before the batch's offsets are committed: a crash never
   * loses a reply, but may redeliver commands whose replies were already written. The ledger
   * answers those without calling the handler again as long as it remembers them; a ledger kept in
   * the service's database, written in the same transaction as the business change, makes that hold
   * across crashes.
   */
  AT_LEAST_ONCE,
  /**
   * Each polled batch's replies, dead letters and consumed offsets are written in one Kafka
   * transaction, read with {@code read_committed}: after a crash either all of them are visible or
   * none, so every command has exactly one reply on the reply topic. The handler's own side effects
   * outside Kafka are not part of the transaction: a batch aborted by a crash is handled again.
   */
  TRANSACTIONAL
}
