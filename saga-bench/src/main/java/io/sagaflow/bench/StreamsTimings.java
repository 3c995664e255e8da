package io.sagaflow.bench;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Where the stream thread's time goes, from Kafka Streams' own client metrics: commit, poll and
 * process latencies of the thread, and the transactional producer's commit time. Printed after a
 * saga run, to tell waiting from working.
 */
final class StreamsTimings {
  private static final Map<String, String> WANTED =
      Map.of(
          "commit-latency-avg", "stream-thread-metrics",
          "commit-latency-max", "stream-thread-metrics",
          "poll-latency-avg", "stream-thread-metrics",
          "process-latency-avg", "stream-thread-metrics",
          "punctuate-latency-avg", "stream-thread-metrics",
          "commit-rate", "stream-thread-metrics",
          "txn-commit-time-ns-total", "producer-metrics",
          "txn-send-offsets-time-ns-total", "producer-metrics",
          "fetch-latency-avg", "consumer-fetch-manager-metrics");

  private StreamsTimings() {}

  static String describe(KafkaStreams streams) {
    Map<String, String> values = new TreeMap<>();
    for (Map.Entry<MetricName, ? extends Metric> e : streams.metrics().entrySet()) {
      MetricName name = e.getKey();
      String group = WANTED.get(name.name());
      boolean mainConsumer = !name.tags().getOrDefault("client-id", "").contains("restore");
      if (group != null
          && group.equals(name.group())
          && name.tags().get("topic") == null
          && mainConsumer) {
        Object value = e.getValue().metricValue();
        if (value instanceof Number n && !Double.isNaN(n.doubleValue())) {
          values.merge(
              name.name(),
              String.format(Locale.ROOT, "%.1f", n.doubleValue()),
              (a, b) -> a + "," + b);
        }
      }
    }
    return values.toString();
  }
}
