package io.sagaflow.api;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.UUID;

/**
 * Saga ids for start requests. With an idempotency key the id is a name-based UUID of (type, key),
 * so a retried start lands on the same saga and the engine answers it as a duplicate; without one
 * every start is new. Public so clients and tests can know a saga's id before they start it.
 */
public final class SagaIds {
  private SagaIds() {}

  /**
   * The id of the saga a start of {@code type} gets: stable for the same key, random without one.
   */
  public static String forStart(String type, Optional<String> idempotencyKey) {
    return idempotencyKey
        .map(
            key ->
                // The NUL separator keeps ("a-b", "c") and ("a", "b-c") apart.
                UUID.nameUUIDFromBytes(
                    ("start\0" + type + "\0" + key).getBytes(StandardCharsets.UTF_8)))
        .orElseGet(UUID::randomUUID)
        .toString();
  }
}
