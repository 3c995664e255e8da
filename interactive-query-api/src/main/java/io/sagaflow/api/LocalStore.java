package io.sagaflow.api;

import io.sagaflow.contract.SagaStateRecord;
import io.sagaflow.topology.SagaTopology;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.LagInfo;
import org.apache.kafka.streams.query.FailureReason;
import org.apache.kafka.streams.query.KeyQuery;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.StateQueryRequest;
import org.apache.kafka.streams.query.StateQueryResult;

/**
 * Reads this instance's copy of the saga-state store with interactive queries v2, one partition at
 * a time. A partition this instance does not host, or one being restored, is "unavailable", never
 * "absent": during a rebalance a wrong 404 would be worse than a 503.
 */
final class LocalStore {
  private final KafkaStreams streams;

  LocalStore(KafkaStreams streams) {
    this.streams = streams;
  }

  /** The outcome of one read. */
  sealed interface Read {}

  /** The store answered: the saga, or empty when the partition has no such saga. */
  record Found(Optional<SagaStateRecord> state, Optional<Long> lag) implements Read {}

  /** The store could not answer now; {@code reason} says why. */
  record Unavailable(String reason) implements Read {}

  Read read(String sagaId, int partition, boolean requireActive) {
    StateQueryRequest<SagaStateRecord> request =
        StateQueryRequest.inStore(SagaTopology.STATE_STORE)
            .withQuery(KeyQuery.<String, SagaStateRecord>withKey(sagaId))
            .withPartitions(Set.of(partition));
    if (requireActive) {
      request = request.requireActive();
    }
    StateQueryResult<SagaStateRecord> result;
    try {
      result = streams.query(request);
    } catch (RuntimeException e) {
      // StreamsNotStartedException, UnknownStateStoreException and friends: not ready yet.
      return new Unavailable(e.getClass().getSimpleName() + ": " + e.getMessage());
    }
    QueryResult<SagaStateRecord> partitionResult = result.getPartitionResults().get(partition);
    if (partitionResult == null) {
      return new Unavailable("partition " + partition + " is not hosted here");
    }
    if (partitionResult.isFailure()) {
      FailureReason reason = partitionResult.getFailureReason();
      return new Unavailable(reason + ": " + partitionResult.getFailureMessage());
    }
    // The active replica writes the changelog itself, so it is never behind it; only a standby's
    // lag is worth a round trip to the broker.
    Optional<Long> lag = requireActive ? Optional.of(0L) : lag(partition);
    return new Found(Optional.ofNullable(partitionResult.getResult()), lag);
  }

  /**
   * Whether every partition of the store this instance hosts answers a query now; an instance that
   * hosts none is queryable (it forwards).
   */
  boolean queryable() {
    try {
      StateQueryResult<SagaStateRecord> result =
          streams.query(
              StateQueryRequest.inStore(SagaTopology.STATE_STORE)
                  .withQuery(KeyQuery.<String, SagaStateRecord>withKey("")));
      return result.getPartitionResults().values().stream().allMatch(QueryResult::isSuccess);
    } catch (RuntimeException e) {
      return false;
    }
  }

  private Optional<Long> lag(int partition) {
    try {
      Map<String, Map<Integer, LagInfo>> lags = streams.allLocalStorePartitionLags();
      return Optional.ofNullable(
              lags.getOrDefault(SagaTopology.STATE_STORE, Map.of()).get(partition))
          .map(LagInfo::offsetLag);
    } catch (RuntimeException e) {
      // Lags need a round trip to the broker; when that fails the answer is still valid, only
      // its freshness is unknown, which the response says by leaving lag empty.
      return Optional.empty();
    }
  }
}
