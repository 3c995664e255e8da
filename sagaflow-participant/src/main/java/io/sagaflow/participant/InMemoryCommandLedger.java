package io.sagaflow.participant;

import io.sagaflow.contract.StepReply;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The default ledger: the last {@code capacity} replies, least recently used first out.
 * Redeliveries come soon after the original (the same poll, a rebalance, a restart's uncommitted
 * tail), so a bound of a few times the commands in flight is enough; it is lost when the process
 * ends.
 */
public final class InMemoryCommandLedger implements CommandLedger {
  /** The default capacity. */
  public static final int DEFAULT_CAPACITY = 10_000;

  private final Map<UUID, StepReply> replies;

  /** A ledger of {@link #DEFAULT_CAPACITY} entries. */
  public InMemoryCommandLedger() {
    this(DEFAULT_CAPACITY);
  }

  /** A ledger remembering the last {@code capacity} replies. */
  public InMemoryCommandLedger(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("ledger capacity must be at least 1, was " + capacity);
    }
    this.replies =
        new LinkedHashMap<>(16, 0.75f, true) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<UUID, StepReply> eldest) {
            return size() > capacity;
          }
        };
  }

  @Override
  public synchronized Optional<StepReply> find(UUID commandId) {
    return Optional.ofNullable(replies.get(commandId));
  }

  @Override
  public synchronized void record(UUID commandId, StepReply reply) {
    replies.put(commandId, reply);
  }

  /** How many replies it holds now. */
  public synchronized int size() {
    return replies.size();
  }
}
