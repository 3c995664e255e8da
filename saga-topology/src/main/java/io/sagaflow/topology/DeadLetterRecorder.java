package io.sagaflow.topology;

import io.sagaflow.contract.DeadLetter;
import io.sagaflow.serde.AvroDeserializationException;
import io.sagaflow.serde.SagaHeaders;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each saga's dead letters, read back from {@code saga.dlq}, in the {@code saga-dead-letters}
 * store so the API can list them by saga id, without their original bytes. At most {@link
 * #MAX_PER_SAGA} per saga are kept; older ones are dropped (they stay in the topic).
 *
 * <p>A record here is already dead-lettered, so nothing it contains may stop this processor or go
 * back to the dead-letter topic (that would loop): one that cannot be decoded, or names no saga, is
 * logged, counted and skipped. Only a schema registry outage fails the task, as everywhere else, so
 * the record is read again once the registry answers.
 */
final class DeadLetterRecorder implements Processor<byte[], byte[], Void, Void> {
  /** How many dead letters a saga keeps in the store. */
  static final int MAX_PER_SAGA = 50;

  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterRecorder.class);

  private final Deserializer<DeadLetter> deserializer;
  private final String storeName;
  private final SagaCounters counters;
  private final Retention retention;
  private ProcessorContext<Void, Void> context;
  private KeyValueStore<Bytes, byte[]> store;

  DeadLetterRecorder(
      Deserializer<DeadLetter> deserializer,
      String storeName,
      SagaCounters counters,
      Retention retention) {
    this.deserializer = deserializer;
    this.storeName = storeName;
    this.counters = counters;
    this.retention = retention;
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    this.context = context;
    this.store = context.getStateStore(storeName);
    if (retention.removesDeadLetters()) {
      DeadLetterScan expiry =
          new DeadLetterScan(store, retention, counters, context.taskId().toString());
      context.schedule(retention.interval(), PunctuationType.WALL_CLOCK_TIME, expiry::scan);
    }
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    // A source-fed processor always has metadata; TopologyTestDriver provides it too.
    RecordMetadata where = context.recordMetadata().orElseThrow();
    Optional<DeadLetter> letter = decode(record, where);
    if (letter.isEmpty()) {
      return;
    }
    Optional<String> sagaId =
        Optional.ofNullable(letter.get().getSagaId()).or(() -> subject(record));
    if (sagaId.isEmpty()) {
      counters.increment(SagaMetric.DEAD_LETTER_STORE, "no-saga");
      return;
    }
    DeadLetterEntry entry =
        DeadLetterEntry.of(
            sagaId.get(),
            letter.get(),
            where.partition(),
            where.offset(),
            receivedValueBytes(record.headers()));
    store.put(entry.key(), entry.value());
    counters.increment(SagaMetric.DEAD_LETTER_STORE, "recorded");
    trim(sagaId.get());
  }

  private Optional<DeadLetter> decode(Record<byte[], byte[]> record, RecordMetadata where) {
    String why;
    try {
      DeadLetter letter = deserializer.deserialize(where.topic(), record.headers(), record.value());
      if (letter != null) {
        return Optional.of(letter);
      }
      why = "an empty value";
    } catch (AvroDeserializationException e) {
      // Bad bytes (including a schema id the registry does not know), as the input decoders
      // classify them; a registry outage is a different exception and propagates.
      why = e.getMessage();
    }
    LOG.warn(
        "Skipping record {}-{}@{} in the dead-letter store, not a DeadLetter: {}",
        where.topic(),
        where.partition(),
        where.offset(),
        why);
    counters.increment(SagaMetric.DEAD_LETTER_STORE, "undecodable");
    return Optional.empty();
  }

  private static Optional<String> subject(Record<byte[], byte[]> record) {
    Header header = record.headers().lastHeader(SagaHeaders.CE_SUBJECT);
    return Optional.ofNullable(header).map(h -> new String(h.value(), StandardCharsets.UTF_8));
  }

  /** Drops the saga's oldest letters beyond {@link #MAX_PER_SAGA}. */
  private void trim(String sagaId) {
    List<Bytes> keys = new ArrayList<>();
    try (KeyValueIterator<Bytes, byte[]> it =
        store.range(DeadLetterEntry.prefix(sagaId), DeadLetterEntry.prefixEnd(sagaId))) {
      it.forEachRemaining(kv -> keys.add(kv.key));
    }
    for (Bytes old : keys.subList(0, Math.max(0, keys.size() - MAX_PER_SAGA))) {
      store.delete(old);
      counters.increment(SagaMetric.DEAD_LETTER_STORE, "dropped-oldest");
    }
  }

  private static Optional<Integer> receivedValueBytes(
      org.apache.kafka.common.header.Headers headers) {
    org.apache.kafka.common.header.Header header =
        headers.lastHeader(SagaHeaders.SAGA_DLQ_ORIGINAL_VALUE_BYTES);
    if (header == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          Integer.parseInt(new String(header.value(), java.nio.charset.StandardCharsets.UTF_8)));
    } catch (NumberFormatException e) {
      // Written by this processor as decimal text; anything else is not a size to report.
      return Optional.empty();
    }
  }
}
