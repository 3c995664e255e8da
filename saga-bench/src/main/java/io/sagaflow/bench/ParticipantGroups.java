package io.sagaflow.bench;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.errors.GroupIdNotFoundException;

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
        if (stable(admin, groups)) {
          return;
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("Participant groups not stable after " + timeout);
        }
        Thread.sleep(100);
      }
    }
  }

  private static boolean stable(Admin admin, List<String> groups) throws Exception {
    try {
      Map<String, ConsumerGroupDescription> described =
          admin.describeConsumerGroups(groups).all().get(30, TimeUnit.SECONDS);
      return described.values().stream()
          .allMatch(d -> d.groupState() == GroupState.STABLE && !d.members().isEmpty());
    } catch (ExecutionException e) {
      // The group coordinator answers "not found" until a member's first join creates the
      // group: on a busy machine a participant may not have joined yet.
      if (e.getCause() instanceof GroupIdNotFoundException) {
        return false;
      }
      throw e;
    }
  }
}
