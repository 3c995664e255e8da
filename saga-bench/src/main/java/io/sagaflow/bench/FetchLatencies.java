package io.sagaflow.bench;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Each Kafka consumer's fetch latency in this JVM, average and maximum over the client's metric
 * window (the last 30 to 60 s), from the {@code consumer-fetch-manager-metrics} in JMX: a fetch
 * answered late by the broker shows in the maximum of the consumer that waited, which the broker's
 * own request times cannot attribute to a client.
 */
final class FetchLatencies {
  private FetchLatencies() {}

  /** One line per consumer of this JVM, by client id. */
  static List<String> describe() {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    List<String> lines = new ArrayList<>();
    try {
      for (ObjectName name :
          server.queryNames(
              new ObjectName("kafka.consumer:type=consumer-fetch-manager-metrics,client-id=*"),
              null)) {
        String client = name.getKeyProperty("client-id");
        lines.add(
            String.format(
                Locale.ROOT,
                "%s: fetch latency avg %.1f ms, max %.0f ms, %.1f fetches/s",
                client,
                BrokerRequestTimes.number(server, name, "fetch-latency-avg"),
                BrokerRequestTimes.number(server, name, "fetch-latency-max"),
                BrokerRequestTimes.number(server, name, "fetch-rate")));
      }
    } catch (JMException e) {
      lines.add("unreadable: " + e.getMessage());
    }
    lines.sort(String::compareTo);
    return lines;
  }
}
