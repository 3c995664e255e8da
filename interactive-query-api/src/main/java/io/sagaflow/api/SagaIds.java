package io.sagaflow.api;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.UUID;

/**
 * Saga ids for start requests. With an idempotency key the id is a name-based UUID of (type, key),
 * so a retried start lands on the same saga and the engine answers it as a duplicate; without one
 * every start is new.
 */
final class SagaIds {
  private SagaIds() {}

  static String forStart(String type, Optional<String> idempotencyKey) {
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
