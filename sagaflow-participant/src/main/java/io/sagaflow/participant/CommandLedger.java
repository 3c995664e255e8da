package io.sagaflow.participant;

import io.sagaflow.contract.StepReply;
import java.util.Optional;
import java.util.UUID;

/**
 * The replies a participant has already given, by command id. The orchestrator sends a command
 * again only as a new attempt with a new id; the same id arriving twice is a redelivery (a consumer
 * restarted before it committed, a rebalance), and the kit answers it from here instead of running
 * the handler again.
 *
 * <p>The default, {@link InMemoryCommandLedger}, forgets on restart: a crash between a handler's
 * effect and the offset commit then runs the handler again in {@link DeliveryMode#AT_LEAST_ONCE}
 * mode. A ledger kept in the service's own database, whose entry the handler writes in the same
 * database transaction as its business change ({@link CommandContext#stepReply(Reply)} gives the
 * record to store), closes that gap: {@link #find} then sees every command whose effect is
 * committed, and {@link #record} may do nothing.
 */
public interface CommandLedger {

  /** The reply given to {@code commandId}, if it was answered. */
  Optional<StepReply> find(UUID commandId);

  /**
   * Remembers {@code reply} as the answer to {@code commandId}; called once the reply is written
   * (acknowledged, or its transaction committed).
   */
  void record(UUID commandId, StepReply reply);
}
