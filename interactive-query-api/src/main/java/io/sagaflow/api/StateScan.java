package io.sagaflow.api;

import io.sagaflow.contract.SagaStateRecord;
import io.sagaflow.topology.SagaTopology;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.RangeQuery;
import org.apache.kafka.streams.query.StateQueryRequest;
import org.apache.kafka.streams.query.StateQueryResult;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * Reads every saga of one partition of the local saga-state store (active replica only), for the
 * console's overview: it has to see every saga's status, version and steps, which no index holds.
 */
final class StateScan {
  private final KafkaStreams streams;

  StateScan(KafkaStreams streams) {
    this.streams = streams;
  }

  void scan(int partition, Consumer<SagaStateRecord> visitor) {
    StateQueryRequest<KeyValueIterator<String, SagaStateRecord>> request =
        StateQueryRequest.inStore(SagaTopology.STATE_STORE)
            .withQuery(RangeQuery.<String, SagaStateRecord>withNoBounds())
            .withPartitions(Set.of(partition))
            .requireActive();
    StateQueryResult<KeyValueIterator<String, SagaStateRecord>> result;
    try {
      result = streams.query(request);
    } catch (RuntimeException e) {
      throw unavailable(partition, e.getClass().getSimpleName() + ": " + e.getMessage());
    }
    QueryResult<KeyValueIterator<String, SagaStateRecord>> answer =
        result.getPartitionResults().get(partition);
    if (answer == null) {
      throw unavailable(partition, "it is not hosted here");
    }
    if (answer.isFailure()) {
      throw unavailable(partition, answer.getFailureReason() + ": " + answer.getFailureMessage());
    }
    try (KeyValueIterator<String, SagaStateRecord> it = answer.getResult()) {
      while (it.hasNext()) {
        KeyValue<String, SagaStateRecord> kv = it.next();
        visitor.accept(kv.value);
      }
    }
  }

  private static ApiProblem unavailable(int partition, String why) {
    return ApiProblem.unavailable(
        "store-unavailable",
        "Partition "
            + partition
            + " of saga-state cannot be read as its active owner now ("
            + why
            + "); it is restoring or moving. Retry shortly.",
        1);
  }
}
