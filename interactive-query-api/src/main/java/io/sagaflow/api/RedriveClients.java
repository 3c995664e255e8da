package io.sagaflow.api;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What dead-letter redrive needs beyond the input producer: Kafka client settings to read saga.dlq
 * and the inputs' topics, and to write redriven inputs together with their record in {@link
 * #LOG_TOPIC} in one transaction. Without them ({@link #none()}) the redrive routes answer {@code
 * 503 redrive-unavailable} and everything else works.
 *
 * @param clientConfig connection settings shared by the reader, the transactional writer and the
 *     admin client: bootstrap servers and security only (each client adds its own)
 * @param instanceId names this instance's transactional id, {@code sagaflow-redrive-<instanceId>};
 *     unique per instance, stable across its restarts
 */
public record RedriveClients(Optional<Map<String, Object>> clientConfig, String instanceId) {
  /** Compacted topic of redrive records, keyed by dead letter id. */
  public static final String LOG_TOPIC = "saga.redrives";

  /** Copies the settings. */
  public RedriveClients {
    Objects.requireNonNull(clientConfig, "clientConfig");
    Objects.requireNonNull(instanceId, "instanceId");
    clientConfig = clientConfig.map(Map::copyOf);
  }

  /** Redrive over a cluster reached with {@code clientConfig}. */
  public static RedriveClients of(Map<String, Object> clientConfig, String instanceId) {
    return new RedriveClients(Optional.of(clientConfig), instanceId);
  }

  /** No redrive: its routes answer 503. */
  public static RedriveClients none() {
    return new RedriveClients(Optional.empty(), "none");
  }
}
