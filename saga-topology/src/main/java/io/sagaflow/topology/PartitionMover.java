package io.sagaflow.topology;

import io.sagaflow.contract.DeadLetterReason;
import io.sagaflow.serde.SagaHeaders;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes an input reach the partition that owns its saga id, whatever partitioner its producer used.
 * librdkafka-based clients (kcat, Python, Go, .NET) hash keys with CRC32 by default, not Kafka's
 * murmur2: their start would create the saga on a partition where the status route never looks, and
 * their reply would find no saga there. An input on a partition that does not own its key is
 * written, raw bytes and headers unchanged plus {@link SagaHeaders#SAGA_MOVED_FROM}, to the owning
 * partition of the same topic, in the transaction that consumed it, so it is processed exactly
 * once, where its saga lives. Before decoding, so a moved input costs one write and no registry
 * lookup.
 *
 * <p>A moved input that arrives again on a partition that does not own its key means the
 * processor's partition count disagrees with the topic's (partitions added while it ran): it is
 * dead-lettered rather than moved again, so a misconfiguration cannot loop records forever.
 */
final class PartitionMover implements Processor<String, byte[], String, byte[]> {
  private static final Logger LOG = LoggerFactory.getLogger(PartitionMover.class);

  private final int partitions;
  private final boolean subjectKeys;
  private final String child;
  private final String moveSink;
  private final SagaCounters counters;
  private ProcessorContext<String, byte[]> context;

  /**
   * A mover for an input topic of {@code partitions} partitions.
   *
   * @param subjectKeys whether a {@code ce_subject} header other than the key names the saga (on
   *     saga.replies, where the reply router re-keys such a reply itself, so it is not moved here)
   * @param child where an input on its owning partition goes on
   * @param moveSink the sink writing back to the same topic
   */
  PartitionMover(
      int partitions, boolean subjectKeys, String child, String moveSink, SagaCounters counters) {
    this.partitions = partitions;
    this.subjectKeys = subjectKeys;
    this.child = child;
    this.moveSink = moveSink;
    this.counters = counters;
  }

  @Override
  public void init(ProcessorContext<String, byte[]> context) {
    this.context = context;
  }

  @Override
  public void process(Record<String, byte[]> record) {
    Optional<RecordMetadata> source = context.recordMetadata();
    if (partitions == 1 || source.isEmpty() || !placedByKey(record)) {
      context.forward(record, child);
      return;
    }
    int here = source.get().partition();
    int owner = OwningPartition.of(record.key(), partitions);
    if (owner == here) {
      context.forward(record, child);
      return;
    }
    String topic = source.get().topic();
    Optional<String> movedFrom = InputMapper.header(record.headers(), SagaHeaders.SAGA_MOVED_FROM);
    if (movedFrom.isPresent()) {
      throw new RejectedInputException(
          DeadLetterReason.PROCESSING_FAILED,
          Optional.of(record.key()),
          "Input moved from partition "
              + movedFrom.get()
              + " of "
              + topic
              + " arrived on partition "
              + here
              + ", which does not own saga id '"
              + record.key()
              + "' either (partition "
              + owner
              + " of "
              + partitions
              + " does). The processor was started with another partition count than the topic"
              + " has now: restart it, then re-publish this input without the "
              + SagaHeaders.SAGA_MOVED_FROM
              + " header.");
    }
    // A copy: the consumed record's headers also go into a dead letter should a later node
    // reject the input, and must stay as they were read.
    RecordHeaders headers = new RecordHeaders(record.headers().toArray());
    headers.add(
        SagaHeaders.SAGA_MOVED_FROM, Integer.toString(here).getBytes(StandardCharsets.UTF_8));
    context.forward(record.withHeaders(headers), moveSink);
    counters.increment(SagaMetric.INPUT_MOVED, topic);
    LOG.debug(
        "Moved input {}-{}@{} for saga {} to partition {}",
        topic,
        here,
        source.get().offset(),
        record.key(),
        owner);
  }

  /**
   * Whether the record's key names its saga. A record without a key is rejected further on; a reply
   * whose {@code ce_subject} names another saga than its key is re-keyed by the reply router, which
   * writes it to the right partition itself.
   */
  private boolean placedByKey(Record<String, byte[]> record) {
    if (record.key() == null || record.key().isBlank()) {
      return false;
    }
    if (!subjectKeys) {
      return true;
    }
    Optional<String> subject = InputMapper.header(record.headers(), SagaHeaders.CE_SUBJECT);
    return subject.isEmpty() || subject.get().equals(record.key());
  }
}
