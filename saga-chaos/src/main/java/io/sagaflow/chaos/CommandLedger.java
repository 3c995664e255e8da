package io.sagaflow.chaos;

import io.sagaflow.serde.SagaHeaders;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Every committed command by its {@code ce_id}. A command id is a name-based UUID of saga, step,
 * attempt and kind, so under exactly-once each id is committed once; a second copy is a duplicate a
 * participant would act on twice.
 */
final class CommandLedger {
  private final Map<String, List<CommandCopy>> byId = new HashMap<>();
  private final List<CommandCopy> withoutId = new ArrayList<>();
  private final Map<String, Long> perTopic = new TreeMap<>();
  private long total;

  /**
   * Where one copy of a command was committed, and what its headers say it is.
   *
   * @param topic command topic
   * @param partition partition
   * @param offset offset
   * @param sagaId {@code ce_subject}
   * @param step {@code saga_step}
   * @param attempt {@code saga_attempt}
   * @param kind {@code saga_kind}
   */
  record CommandCopy(
      String topic,
      int partition,
      long offset,
      String sagaId,
      String step,
      String attempt,
      String kind) {
    @Override
    public String toString() {
      return String.format(
          java.util.Locale.ROOT,
          "%s-%d@%d (saga %s, step %s, attempt %s, %s)",
          topic,
          partition,
          offset,
          sagaId,
          step,
          attempt,
          kind);
    }
  }

  /** Counts one committed record of a command topic. */
  void add(ConsumerRecord<byte[], byte[]> record) {
    total++;
    perTopic.merge(record.topic(), 1L, Long::sum);
    Headers headers = record.headers();
    CommandCopy copy =
        new CommandCopy(
            record.topic(),
            record.partition(),
            record.offset(),
            header(headers, SagaHeaders.CE_SUBJECT),
            header(headers, SagaHeaders.SAGA_STEP),
            header(headers, SagaHeaders.SAGA_ATTEMPT),
            header(headers, SagaHeaders.SAGA_KIND));
    Header id = headers.lastHeader(SagaHeaders.CE_ID);
    if (id == null || id.value() == null) {
      withoutId.add(copy);
      return;
    }
    byId.computeIfAbsent(new String(id.value(), StandardCharsets.UTF_8), k -> new ArrayList<>(1))
        .add(copy);
  }

  /** Committed commands, all topics. */
  long total() {
    return total;
  }

  /** Committed commands per topic. */
  Map<String, Long> perTopic() {
    return perTopic;
  }

  /** Distinct command ids seen. */
  int distinctIds() {
    return byId.size();
  }

  /** Every command id committed more than once, with each copy. */
  Map<String, List<CommandCopy>> duplicates() {
    Map<String, List<CommandCopy>> duplicates = new TreeMap<>();
    byId.forEach(
        (id, copies) -> {
          if (copies.size() > 1) {
            duplicates.put(id, List.copyOf(copies));
          }
        });
    return duplicates;
  }

  /** Commands without a {@code ce_id} header: no participant could recognise a redelivery. */
  List<CommandCopy> withoutId() {
    return List.copyOf(withoutId);
  }

  private static String header(Headers headers, String name) {
    Header header = headers.lastHeader(name);
    return header == null || header.value() == null
        ? "-"
        : new String(header.value(), StandardCharsets.UTF_8);
  }
}
