package io.sagaflow.chaos;

import io.sagaflow.serde.SagaHeaders;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/** Committed dead letters in {@code saga.dlq}, counted by the reason header the processor sets. */
final class DeadLetterLedger {
  private final Map<String, Long> byReason = new TreeMap<>();
  private final Set<String> sagaIds = new LinkedHashSet<>();
  private long total;

  /** Counts one committed dead letter. */
  void add(ConsumerRecord<byte[], byte[]> record) {
    total++;
    Header subject = record.headers().lastHeader(SagaHeaders.CE_SUBJECT);
    if (subject != null && subject.value() != null) {
      sagaIds.add(new String(subject.value(), StandardCharsets.UTF_8));
    } else if (record.key() != null) {
      sagaIds.add(new String(record.key(), StandardCharsets.UTF_8));
    }
    Header reason = record.headers().lastHeader(SagaHeaders.SAGA_DLQ_REASON);
    byReason.merge(
        reason == null || reason.value() == null
            ? "(no " + SagaHeaders.SAGA_DLQ_REASON + ")"
            : new String(reason.value(), StandardCharsets.UTF_8),
        1L,
        Long::sum);
  }

  /**
   * The saga ids dead letters name ({@code ce_subject}, else the key), first seen first; bad inputs
   * a run injects name none of its sagas.
   */
  Set<String> sagaIds() {
    return java.util.Collections.unmodifiableSet(sagaIds);
  }

  /** Dead letters read. */
  long total() {
    return total;
  }

  /** Dead letters by reason. */
  Map<String, Long> byReason() {
    return java.util.Collections.unmodifiableMap(new TreeMap<>(byReason));
  }
}
