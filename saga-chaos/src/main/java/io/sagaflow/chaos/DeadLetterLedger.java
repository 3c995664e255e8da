package io.sagaflow.chaos;

import io.sagaflow.serde.SagaHeaders;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/** Committed dead letters in {@code saga.dlq}, counted by the reason header the processor sets. */
final class DeadLetterLedger {
  private final Map<String, Long> byReason = new TreeMap<>();
  private long total;

  /** Counts one committed dead letter. */
  void add(ConsumerRecord<byte[], byte[]> record) {
    total++;
    Header reason = record.headers().lastHeader(SagaHeaders.SAGA_DLQ_REASON);
    byReason.merge(
        reason == null || reason.value() == null
            ? "(no " + SagaHeaders.SAGA_DLQ_REASON + ")"
            : new String(reason.value(), StandardCharsets.UTF_8),
        1L,
        Long::sum);
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
