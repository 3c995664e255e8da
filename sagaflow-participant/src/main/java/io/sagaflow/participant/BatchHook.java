package io.sagaflow.participant;

/**
 * Runs before the commands of each polled batch are handled: for pacing (a rate limit, a simulated
 * service time) that belongs to a batch rather than to each command.
 */
@FunctionalInterface
public interface BatchHook {

  /**
   * Called with the number of records in the batch.
   *
   * @throws InterruptedException when the participant is being closed
   */
  void beforeBatch(int records) throws InterruptedException;
}
