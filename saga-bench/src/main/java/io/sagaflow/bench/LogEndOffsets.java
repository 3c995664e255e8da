package io.sagaflow.bench;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;

/**
 * The sum of every partition's log end offset per topic, internal topics included. The difference
 * of two snapshots is how many log positions the broker appended in between: each data record takes
 * one, and so does each transaction marker (one per partition per committed or aborted
 * transaction). Compaction and retention never move the end offset, so the count is exact even when
 * the log cleaner runs on a changelog during the phase.
 */
final class LogEndOffsets {
  private LogEndOffsets() {}

  static Map<String, Long> byTopic(String bootstrap) throws Exception {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (Admin admin = Admin.create(props)) {
      List<String> names =
          List.copyOf(
              admin
                  .listTopics(new ListTopicsOptions().listInternal(true))
                  .names()
                  .get(30, TimeUnit.SECONDS));
      Map<String, TopicDescription> topics =
          admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS);
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      topics
          .values()
          .forEach(
              t ->
                  t.partitions()
                      .forEach(
                          p ->
                              latest.put(
                                  new TopicPartition(t.name(), p.partition()),
                                  OffsetSpec.latest())));
      Map<String, Long> byTopic = new TreeMap<>();
      admin
          .listOffsets(latest)
          .all()
          .get(30, TimeUnit.SECONDS)
          .forEach((tp, info) -> byTopic.merge(tp.topic(), info.offset(), Long::sum));
      return byTopic;
    }
  }

  /** What was appended per topic between two snapshots (topics new in {@code after} from 0). */
  static Map<String, Long> delta(Map<String, Long> before, Map<String, Long> after) {
    return after.entrySet().stream()
        .collect(
            Collectors.toMap(
                Map.Entry::getKey,
                e -> e.getValue() - before.getOrDefault(e.getKey(), 0L),
                Long::sum,
                TreeMap::new));
  }
}
