package io.sagaflow.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the broker wrote during one phase, per topic: log positions appended (every topic, internal
 * ones and transaction markers included, from {@link LogEndOffsets}) and the records and bytes the
 * producers sent (from {@link ProducerTotals}), with the saga processor's own producers apart so a
 * change to the topology shows which of its records it removed.
 */
final class KafkaWrites {
  private final String processorClient;
  private final Map<String, Long> offsets;
  private final Map<ProducerTotals.Key, ProducerTotals.Sent> sent;

  /**
   * Writes of a phase whose processor's producers have client ids containing {@code appId} and a
   * stream thread's name.
   */
  KafkaWrites(
      String appId, Map<String, Long> offsets, Map<ProducerTotals.Key, ProducerTotals.Sent> sent) {
    this.processorClient = appId + "-";
    this.offsets = offsets;
    this.sent = sent;
  }

  private boolean processor(ProducerTotals.Key key) {
    return key.clientId().contains(processorClient) && key.clientId().contains("-StreamThread-");
  }

  long offsets() {
    return offsets.values().stream().mapToLong(Long::longValue).sum();
  }

  ProducerTotals.Sent producers() {
    return sum(false);
  }

  ProducerTotals.Sent processor() {
    return sum(true);
  }

  private ProducerTotals.Sent sum(boolean processorOnly) {
    ProducerTotals.Sent total = new ProducerTotals.Sent(0, 0, 0);
    for (Map.Entry<ProducerTotals.Key, ProducerTotals.Sent> e : sent.entrySet()) {
      if (!processorOnly || processor(e.getKey())) {
        total = total.plus(e.getValue());
      }
    }
    return total;
  }

  /** One line with the totals per saga, for the phase's log. */
  String summary(String label, int sagas) {
    ProducerTotals.Sent all = producers();
    ProducerTotals.Sent mine = processor();
    return String.format(
        Locale.ROOT,
        "%s Kafka writes per saga (%,d sagas ended): %.1f records (log end offsets, all topics,"
            + " transaction markers included), %.0f bytes sent by all producers; the processor's"
            + " producers %.1f records, %.0f bytes; retried sends %d",
        label,
        sagas,
        offsets() / (double) sagas,
        all.bytes() / (double) sagas,
        mine.records() / (double) sagas,
        mine.bytes() / (double) sagas,
        all.retries());
  }

  /** A Markdown table of the writes per topic, per ended saga, topics with no write left out. */
  List<String> perTopic(int sagas) {
    Map<String, ProducerTotals.Sent> allByTopic = new TreeMap<>();
    Map<String, ProducerTotals.Sent> mineByTopic = new TreeMap<>();
    sent.forEach(
        (key, value) -> {
          allByTopic.merge(key.topic(), value, ProducerTotals.Sent::plus);
          if (processor(key)) {
            mineByTopic.merge(key.topic(), value, ProducerTotals.Sent::plus);
          }
        });
    TreeMap<String, Boolean> topics = new TreeMap<>();
    offsets.forEach((topic, n) -> topics.put(topic, n > 0));
    allByTopic.forEach((topic, s) -> topics.merge(topic, s.records() > 0, Boolean::logicalOr));
    List<String> lines = new ArrayList<>();
    lines.add(
        "| topic | log positions per saga | records sent per saga (all producers) | bytes sent per"
            + " saga | of which by the processor: records | bytes |");
    lines.add("|---|---|---|---|---|---|");
    ProducerTotals.Sent none = new ProducerTotals.Sent(0, 0, 0);
    topics.forEach(
        (topic, written) -> {
          if (written) {
            ProducerTotals.Sent all = allByTopic.getOrDefault(topic, none);
            ProducerTotals.Sent mine = mineByTopic.getOrDefault(topic, none);
            lines.add(
                String.format(
                    Locale.ROOT,
                    "| %s | %.3f | %.3f | %.0f | %.3f | %.0f |",
                    topic,
                    offsets.getOrDefault(topic, 0L) / (double) sagas,
                    all.records() / (double) sagas,
                    all.bytes() / (double) sagas,
                    mine.records() / (double) sagas,
                    mine.bytes() / (double) sagas));
          }
        });
    return lines;
  }
}
