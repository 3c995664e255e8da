package io.sagaflow.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * Finds transactions left open. A partition's last stable offset (LSO) stops at the first record of
 * a transaction still open, so {@code read_committed} readers see nothing past it; once every
 * transaction that was open when the check began has committed or aborted, the LSO has reached the
 * high watermark taken at that moment. Transactions that begin later (a processor still running) do
 * not hold the check up.
 */
final class OpenTransactions {
  private static final long PAUSE_MS = 200;
  private static final long CALL_TIMEOUT_SECONDS = 30;

  private OpenTransactions() {}

  /**
   * A partition whose last stable offset did not reach its target.
   *
   * @param partition the partition
   * @param lastStableOffset where read_committed readers stop
   * @param highWatermark the end the LSO had to reach
   */
  record OpenPartition(TopicPartition partition, long lastStableOffset, long highWatermark) {
    @Override
    public String toString() {
      return partition + " (last stable offset " + lastStableOffset + " < " + highWatermark + ")";
    }
  }

  /**
   * Waits up to {@code bound} for every partition of every non-internal topic to become stable up
   * to its current high watermark.
   *
   * @return the partitions that did not, empty when none stayed open
   */
  static List<OpenPartition> await(Admin admin, Duration bound)
      throws InterruptedException, ExecutionException, TimeoutException {
    Set<String> topics = admin.listTopics().names().get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    List<TopicPartition> partitions = new ArrayList<>();
    admin
        .describeTopics(topics)
        .allTopicNames()
        .get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS)
        .forEach(
            (name, description) ->
                description
                    .partitions()
                    .forEach(p -> partitions.add(new TopicPartition(name, p.partition()))));
    Map<TopicPartition, Long> highWatermarks =
        offsets(admin, partitions, IsolationLevel.READ_UNCOMMITTED);
    long deadline = System.nanoTime() + bound.toNanos();
    List<OpenPartition> open = behind(admin, highWatermarks);
    while (!open.isEmpty() && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(PAUSE_MS);
      open = behind(admin, highWatermarks);
    }
    return open;
  }

  /** The transactional ids the broker lists as ongoing now, for the report. */
  static List<String> ongoingTransactionalIds(Admin admin)
      throws InterruptedException, ExecutionException, TimeoutException {
    Collection<TransactionListing> listings =
        admin
            .listTransactions(
                new ListTransactionsOptions().filterStates(List.of(TransactionState.ONGOING)))
            .all()
            .get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    return listings.stream().map(TransactionListing::transactionalId).sorted().toList();
  }

  private static List<OpenPartition> behind(Admin admin, Map<TopicPartition, Long> targets)
      throws InterruptedException, ExecutionException, TimeoutException {
    Map<TopicPartition, Long> stable =
        offsets(admin, targets.keySet(), IsolationLevel.READ_COMMITTED);
    List<OpenPartition> open = new ArrayList<>();
    targets.forEach(
        (partition, target) -> {
          long lso = stable.get(partition);
          if (lso < target) {
            open.add(new OpenPartition(partition, lso, target));
          }
        });
    return open;
  }

  private static Map<TopicPartition, Long> offsets(
      Admin admin, Collection<TopicPartition> partitions, IsolationLevel isolation)
      throws InterruptedException, ExecutionException, TimeoutException {
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    partitions.forEach(p -> latest.put(p, OffsetSpec.latest()));
    Map<TopicPartition, ListOffsetsResultInfo> result =
        admin
            .listOffsets(latest, new ListOffsetsOptions(isolation))
            .all()
            .get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    Map<TopicPartition, Long> offsets = new HashMap<>();
    result.forEach((p, info) -> offsets.put(p, info.offset()));
    return offsets;
  }
}
