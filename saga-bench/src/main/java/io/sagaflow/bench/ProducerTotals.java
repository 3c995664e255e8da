package io.sagaflow.bench;

import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.TreeMap;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Records and bytes sent per producer and topic, read from the {@code producer-topic-metrics} every
 * Kafka producer of this JVM registers in JMX: {@code record-send-total} counts the records of each
 * batch the producer sent, {@code byte-total} the batch's size as sent. The broker appends a batch
 * as it arrives (topics keep {@code compression.type=producer}), so the bytes are what the logs
 * grew by, before any compaction. A batch sent again after a retriable error counts twice, so
 * {@code record-retry-total} is read as well: when it is zero the totals are exact. A producer's
 * metrics leave JMX when it closes, so read them while every client of the phase is still open.
 */
final class ProducerTotals {
  /** Key of one producer's sends to one topic. */
  record Key(String clientId, String topic) {}

  /** Records and bytes one producer sent to one topic, and how many of its sends were retries. */
  record Sent(long records, long bytes, long retries) {
    Sent plus(Sent other) {
      return new Sent(records + other.records, bytes + other.bytes, retries + other.retries);
    }

    Sent minus(Sent other) {
      return new Sent(records - other.records, bytes - other.bytes, retries - other.retries);
    }
  }

  private ProducerTotals() {}

  /** Every live producer's per-topic totals in this JVM. */
  static Map<Key, Sent> read() {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    Map<Key, Sent> totals = new TreeMap<>(ProducerTotals::compare);
    try {
      for (ObjectName name :
          server.queryNames(new ObjectName("kafka.producer:type=producer-topic-metrics,*"), null)) {
        Key key =
            new Key(
                unquote(name.getKeyProperty("client-id")), unquote(name.getKeyProperty("topic")));
        totals.put(
            key,
            new Sent(
                number(server, name, "record-send-total"),
                number(server, name, "byte-total"),
                number(server, name, "record-retry-total")));
      }
    } catch (JMException e) {
      throw new IllegalStateException("Could not read the producers' metrics from JMX", e);
    }
    return totals;
  }

  /** What each producer sent since {@code before} (producers new since then from zero). */
  static Map<Key, Sent> delta(Map<Key, Sent> before, Map<Key, Sent> after) {
    Map<Key, Sent> delta = new TreeMap<>(ProducerTotals::compare);
    after.forEach(
        (key, sent) -> delta.put(key, sent.minus(before.getOrDefault(key, new Sent(0, 0, 0)))));
    return delta;
  }

  private static long number(MBeanServer server, ObjectName name, String attribute)
      throws JMException {
    Object value = server.getAttribute(name, attribute);
    return value instanceof Number n ? Math.round(n.doubleValue()) : 0;
  }

  private static String unquote(String value) {
    return value != null && value.startsWith("\"") ? ObjectName.unquote(value) : value;
  }

  static int compare(Key a, Key b) {
    int byClient = a.clientId().compareTo(b.clientId());
    return byClient != 0 ? byClient : a.topic().compareTo(b.topic());
  }
}
