package io.sagaflow.bench;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * How long the embedded broker (in this JVM) took over the requests a saga step waits on, from its
 * own request metrics: time queued for a handler thread, handled, parked in a purgatory (a fetch
 * waiting for data, a produce waiting for acknowledgements), throttled, queued for the network
 * thread and sent (a response waits there while the client's socket does not take it). The metrics
 * cover the broker's life, which is one phase: a slow tail here is the broker's, not the
 * processor's.
 */
final class BrokerRequestTimes {
  private static final String[] REQUESTS = {
    "Produce",
    "FetchConsumer",
    "EndTxn",
    "WriteTxnMarkers",
    "TxnOffsetCommit",
    "AddOffsetsToTxn",
    "OffsetCommit"
  };
  private static final String[] STAGES = {
    "RequestQueueTimeMs",
    "LocalTimeMs",
    "RemoteTimeMs",
    "ThrottleTimeMs",
    "ResponseQueueTimeMs",
    "ResponseSendTimeMs",
    "TotalTimeMs"
  };

  private BrokerRequestTimes() {}

  /** One line per request type: count, then p99 / p99.9 / max of each stage in milliseconds. */
  static List<String> describe() {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    List<String> lines = new ArrayList<>();
    for (String request : REQUESTS) {
      StringBuilder line = new StringBuilder(request);
      try {
        ObjectName total =
            new ObjectName("kafka.network:type=RequestMetrics,name=TotalTimeMs,request=" + request);
        if (!server.isRegistered(total)) {
          continue;
        }
        line.append(String.format(Locale.ROOT, " (%,.0f):", number(server, total, "Count")));
        for (String stage : STAGES) {
          ObjectName name =
              new ObjectName(
                  "kafka.network:type=RequestMetrics,name=" + stage + ",request=" + request);
          line.append(
              String.format(
                  Locale.ROOT,
                  " %s %.0f/%.0f/%.0f",
                  stage.replace("TimeMs", ""),
                  number(server, name, "99thPercentile"),
                  number(server, name, "999thPercentile"),
                  number(server, name, "Max")));
        }
      } catch (JMException e) {
        line.append(" unreadable: ").append(e.getMessage());
      }
      lines.add(line.toString());
    }
    return lines;
  }

  /** A numeric JMX attribute, NaN when it is not a number (an empty metric). */
  static double number(MBeanServer server, ObjectName name, String attribute) throws JMException {
    Object value = server.getAttribute(name, attribute);
    return value instanceof Number n ? n.doubleValue() : Double.NaN;
  }
}
