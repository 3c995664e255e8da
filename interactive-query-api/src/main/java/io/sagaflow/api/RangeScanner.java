package io.sagaflow.api;

import java.util.function.Predicate;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;

/** Reads a key range of one partition of a local store, in key order. */
interface RangeScanner {
  /**
   * Passes the entries of {@code partition} from {@code from} to {@code to} (both inclusive) to
   * {@code visitor} in ascending key order until it returns false.
   *
   * @throws ApiProblem 503 when the partition cannot be read as its active owner now
   */
  void scan(int partition, Bytes from, Bytes to, Predicate<KeyValue<Bytes, byte[]>> visitor);
}
