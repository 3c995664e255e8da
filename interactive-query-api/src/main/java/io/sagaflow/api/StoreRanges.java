package io.sagaflow.api;

import java.util.Set;
import java.util.function.Predicate;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.RangeQuery;
import org.apache.kafka.streams.query.StateQueryRequest;
import org.apache.kafka.streams.query.StateQueryResult;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * Range reads of one partition of a local bytes store with interactive queries v2, from the active
 * replica only: a standby may lag, and search promises a complete answer or none. The composite
 * store of the old API would interleave partitions, so each partition is read on its own.
 */
final class StoreRanges implements RangeScanner {
  private final KafkaStreams streams;
  private final String store;

  StoreRanges(KafkaStreams streams, String store) {
    this.streams = streams;
    this.store = store;
  }

  @Override
  public void scan(
      int partition, Bytes from, Bytes to, Predicate<KeyValue<Bytes, byte[]>> visitor) {
    StateQueryRequest<KeyValueIterator<Bytes, byte[]>> request =
        StateQueryRequest.inStore(store)
            .withQuery(RangeQuery.<Bytes, byte[]>withRange(from, to))
            .withPartitions(Set.of(partition))
            .requireActive();
    StateQueryResult<KeyValueIterator<Bytes, byte[]>> result;
    try {
      result = streams.query(request);
    } catch (RuntimeException e) {
      throw unavailable(partition, e.getClass().getSimpleName() + ": " + e.getMessage());
    }
    QueryResult<KeyValueIterator<Bytes, byte[]>> answer =
        result.getPartitionResults().get(partition);
    if (answer == null) {
      throw unavailable(partition, "it is not hosted here");
    }
    if (answer.isFailure()) {
      throw unavailable(partition, answer.getFailureReason() + ": " + answer.getFailureMessage());
    }
    try (KeyValueIterator<Bytes, byte[]> it = answer.getResult()) {
      while (it.hasNext() && visitor.test(it.next())) {
        // the visitor consumes each entry and says when it has enough
      }
    }
  }

  private ApiProblem unavailable(int partition, String why) {
    return ApiProblem.unavailable(
        "store-unavailable",
        "Partition "
            + partition
            + " of "
            + store
            + " cannot be read as its active owner now ("
            + why
            + "); it is restoring or moving. Retry shortly.",
        1);
  }
}
