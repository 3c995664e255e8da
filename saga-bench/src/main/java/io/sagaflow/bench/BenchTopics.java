package io.sagaflow.bench;

import io.sagaflow.embedded.kafka.EmbeddedKafkaBroker;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/** Creates the topics and state directories of one benchmark run. */
final class BenchTopics {
  private final EmbeddedKafkaBroker broker;
  private final Path workDir;

  BenchTopics(EmbeddedKafkaBroker broker, Path workDir) {
    this.broker = broker;
    this.workDir = workDir;
  }

  String create(String name, int partitions) throws Exception {
    return create(name, partitions, Map.of());
  }

  /** Creates {@code name} with topic {@code configs} and waits until the broker knows it. */
  String create(String name, int partitions, Map<String, String> configs) throws Exception {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    try (Admin admin = Admin.create(props)) {
      admin
          .createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(configs)))
          .all()
          .get(60, TimeUnit.SECONDS);
      // The controller has the topic once creation returns; the broker's metadata, which clients'
      // listTopics read (the participants check their dead-letter topic that way), follows later.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(name)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("Topic " + name + " not in the broker's metadata");
        }
        Thread.sleep(20);
      }
    }
    return name;
  }

  Path stateDir(String label) {
    return workDir.resolve("state-" + label);
  }

  /** A file of the run's work directory, for logs of child processes. */
  Path file(String name) {
    return workDir.resolve(name);
  }
}
