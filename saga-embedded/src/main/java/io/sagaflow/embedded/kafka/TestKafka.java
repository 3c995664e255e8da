package io.sagaflow.embedded.kafka;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * One test's view of the shared broker: its address and topics that no other test uses.
 *
 * <p>Topic names are {@code <prefix>-<n>}, with {@code n} unique within the JVM, so tests can run
 * against one broker without seeing each other's records.
 */
public final class TestKafka {
  private static final AtomicLong SEQUENCE = new AtomicLong();
  private static final long TIMEOUT_SECONDS = 30;

  private final EmbeddedKafkaBroker broker;

  TestKafka(EmbeddedKafkaBroker broker) {
    this.broker = Objects.requireNonNull(broker, "broker");
  }

  /** A view of a broker the test runs itself, to stop and start it, say. */
  public static TestKafka on(EmbeddedKafkaBroker broker) {
    return new TestKafka(broker);
  }

  /** The shared broker. */
  public EmbeddedKafkaBroker broker() {
    return broker;
  }

  /** The bootstrap address, {@code 127.0.0.1:<port>}. */
  public String bootstrapServers() {
    return broker.bootstrapServers();
  }

  /** A name nobody else in this JVM has been given; also usable for group and application ids. */
  public String uniqueName(String prefix) {
    return prefix + "-" + SEQUENCE.incrementAndGet();
  }

  /** Creates a new topic with a unique name derived from {@code prefix} and returns that name. */
  public String createTopic(String prefix, int partitions) {
    return createTopic(prefix, partitions, Map.of());
  }

  /** Creates a new topic with the given topic configs and returns its unique name. */
  public String createTopic(String prefix, int partitions, Map<String, String> configs) {
    String name = uniqueName(prefix);
    createTopicNamed(name, partitions, configs);
    return name;
  }

  /** Creates a topic with exactly this name (for code that expects fixed names). */
  public void createTopicNamed(String name, int partitions, Map<String, String> configs) {
    NewTopic topic = new NewTopic(name, partitions, (short) 1).configs(configs);
    try (Admin admin = admin()) {
      admin.createTopics(List.of(topic)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while creating topic " + name, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("Could not create topic " + name, e);
    }
  }

  /** A new admin client on the broker; the caller closes it. */
  public Admin admin() {
    return Admin.create(clientProperties());
  }

  /**
   * Client properties with only the bootstrap address set, to add producer or consumer settings.
   */
  public Properties clientProperties() {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    return props;
  }
}
