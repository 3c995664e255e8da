package io.sagaflow.engine;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.UUID;

/**
 * Deterministic identities. Command ids are name-based (version 3) UUIDs over a canonical,
 * length-prefixed encoding of (saga id, step, attempt, kind), so that the same command always has
 * the same id (participants deduplicate on it) and no two distinct commands share one, whatever
 * characters the names contain. Jitter seeds derive from the command id, so back-off is replayable.
 */
public final class Ids {
  private Ids() {}

  /**
   * The id of the command of {@code kind} for {@code step} at {@code attempt} in saga {@code
   * sagaId}.
   */
  public static UUID commandId(String sagaId, String step, int attempt, CommandKind kind) {
    return nameUuid("command", sagaId, step, Integer.toString(attempt), kind.name());
  }

  /** The id of a timer; at most one timer per (saga, kind, step, attempt) exists. */
  public static UUID timerId(String sagaId, TimerKind kind, Optional<String> step, int attempt) {
    return nameUuid("timer", sagaId, step.orElse(""), Integer.toString(attempt), kind.name());
  }

  /** The jitter seed for the back-off that follows the command {@code commandId}. */
  public static long jitterSeed(UUID commandId) {
    return commandId.getMostSignificantBits() ^ commandId.getLeastSignificantBits();
  }

  /**
   * The canary bucket of saga {@code sagaId} in rollout {@code rolloutId}, from 0 to 9,999: the
   * most significant 64 bits of the name-based id of (rollout id, saga id), unsigned, modulo
   * 10,000. Salted with the rollout id so that one rollout's canary sagas are not the next one's
   * too, and independent of the partition a saga id hashes to.
   */
  public static int rolloutBucket(String rolloutId, String sagaId) {
    UUID id = nameUuid("rollout", rolloutId, sagaId);
    return (int) Long.remainderUnsigned(id.getMostSignificantBits(), RolloutAssignment.BUCKETS);
  }

  private static UUID nameUuid(String... parts) {
    StringBuilder canonical = new StringBuilder("sagaflow");
    for (String part : parts) {
      canonical.append('|').append(part.length()).append(':').append(part);
    }
    return UUID.nameUUIDFromBytes(canonical.toString().getBytes(StandardCharsets.UTF_8));
  }
}
