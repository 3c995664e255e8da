package io.sagaflow.testkit.junit;

import java.net.URI;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * The embedded broker and schema registry {@link SagaflowExtension} started for this test JVM.
 *
 * @param bootstrapServers the broker's address, {@code 127.0.0.1:<port>}
 * @param registryUrl the schema registry's base URL, {@code http://127.0.0.1:<port>}
 */
public record SagaflowCluster(String bootstrapServers, URI registryUrl) {
  private static final AtomicLong SEQUENCE = new AtomicLong();
  private static final long TIMEOUT_SECONDS = 30;

  /**
   * Client properties with only the bootstrap address set, to add producer or consumer settings.
   */
  public Properties clientProperties() {
    Properties props = new Properties();
    props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    return props;
  }

  /**
   * {@code prefix-n}, with {@code n} unique in this JVM: topic, group and application ids no other
   * test on the shared broker uses.
   */
  public String uniqueName(String prefix) {
    return prefix + "-" + SEQUENCE.incrementAndGet();
  }

  /**
   * Creates a topic named {@link #uniqueName uniqueName(prefix)} and returns the name. The broker
   * does not create topics on first use: like a production cluster, topics exist before clients
   * write to them.
   */
  public String createTopic(String prefix, int partitions) {
    String name = uniqueName(prefix);
    try (Admin admin = Admin.create(clientProperties())) {
      admin
          .createTopics(List.of(new NewTopic(name, partitions, (short) 1)))
          .all()
          .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while creating topic " + name, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "Could not create topic " + name + " at " + bootstrapServers, e);
    }
    return name;
  }
}
