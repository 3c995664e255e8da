package io.sagaflow.chaos;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The committed inputs of the started sagas: their requests and their replies, each in offset order
 * (one saga's inputs share one partition of each topic, so that is the order the processor read
 * them in). Records the processor could not decode are counted, not kept: it dead-lettered them and
 * they changed no saga.
 */
final class InputLedger {
  private final Map<String, List<InputRecord>> requests = new HashMap<>();
  private final Map<String, List<InputRecord>> replies = new HashMap<>();
  private long undecodable;

  /** Adds a request of {@code sagaId}; call in offset order. */
  void request(String sagaId, InputRecord record) {
    requests.computeIfAbsent(sagaId, k -> new ArrayList<>()).add(record);
  }

  /** Adds a reply of {@code sagaId}; call in offset order. */
  void reply(String sagaId, InputRecord record) {
    replies.computeIfAbsent(sagaId, k -> new ArrayList<>()).add(record);
  }

  /** Counts a record keyed by a started saga that decodes to no engine input. */
  void undecodable() {
    undecodable++;
  }

  /** The saga's requests in offset order. */
  List<InputRecord> requests(String sagaId) {
    return List.copyOf(requests.getOrDefault(sagaId, List.of()));
  }

  /** The saga's replies in offset order. */
  List<InputRecord> replies(String sagaId) {
    return List.copyOf(replies.getOrDefault(sagaId, List.of()));
  }

  /** Inputs of started sagas that decode to no engine input. */
  long undecodableCount() {
    return undecodable;
  }
}
