package io.sagaflow.bench;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.common.GroupState;

/** Waits until consumer groups have joined, so a measurement does not include their start-up. */
final class ParticipantGroups {
  private ParticipantGroups() {}

  static void awaitStable(String bootstrap, List<String> groups, Duration timeout)
      throws Exception {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    long deadline = System.nanoTime() + timeout.toNanos();
    try (Admin admin = Admin.create(props)) {
      while (true) {
        Map<String, ConsumerGroupDescription> described =
            admin.describeConsumerGroups(groups).all().get(30, TimeUnit.SECONDS);
        boolean stable =
            described.values().stream()
                .allMatch(d -> d.groupState() == GroupState.STABLE && !d.members().isEmpty());
        if (stable) {
          return;
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("Participant groups not stable after " + timeout);
        }
        Thread.sleep(100);
      }
    }
  }
}
