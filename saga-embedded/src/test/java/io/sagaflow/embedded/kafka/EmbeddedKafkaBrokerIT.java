package io.sagaflow.embedded.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(KafkaBrokerExtension.class)
class EmbeddedKafkaBrokerIT {

  @Test
  void shouldDeliverOnlyCommittedTransactionalRecordsToReadCommittedConsumer(TestKafka kafka)
      throws Exception {
    // Given a topic and a transactional producer
    String topic = kafka.createTopic("tx", 2);
    try (KafkaProducer<String, String> producer = transactionalProducer(kafka)) {
      producer.initTransactions();

      // When one transaction commits and a later one aborts
      producer.beginTransaction();
      producer.send(new ProducerRecord<>(topic, "saga-1", "committed-1")).get();
      producer.send(new ProducerRecord<>(topic, "saga-2", "committed-2")).get();
      producer.commitTransaction();

      producer.beginTransaction();
      producer.send(new ProducerRecord<>(topic, "saga-3", "aborted")).get();
      producer.flush();
      producer.abortTransaction();

      producer.beginTransaction();
      producer.send(new ProducerRecord<>(topic, "saga-4", "committed-3")).get();
      producer.commitTransaction();
    }

    // Then a read_committed consumer sees exactly the committed values
    List<String> seen = readAll(kafka, topic, "read_committed", 3);
    assertThat(seen).containsExactlyInAnyOrder("committed-1", "committed-2", "committed-3");

    // and a read_uncommitted consumer also sees the aborted one, proving the abort happened on the
    // log
    List<String> uncommitted = readAll(kafka, topic, "read_uncommitted", 4);
    assertThat(uncommitted).contains("aborted");
  }

  @Test
  void shouldBindEveryListenerToLoopbackOnly(EmbeddedKafkaBroker broker) throws IOException {
    // Given the running shared broker, when we read the kernel's table of listening TCP sockets
    Set<Integer> ports = portsOf(broker.listenerSettings().get("listeners"));
    List<String> listening = listeningAddresses(ports);

    // Then each of its ports is listened on, and only on 127.0.0.1
    assertThat(ports).hasSize(2);
    assertThat(listening).hasSize(ports.size()).allMatch(address -> address.equals("127.0.0.1"));
    assertThat(broker.listenerSettings().get("advertised.listeners"))
        .isEqualTo("PLAINTEXT://" + broker.bootstrapServers());
    assertThat(broker.bootstrapServers()).startsWith("127.0.0.1:");
  }

  @Test
  void shouldKeepTopicsAndRecordsAcrossRestartWithPersistentDataDir(@TempDir Path dir)
      throws Exception {
    // Given a broker with a persistent data directory holding one record
    try (EmbeddedKafkaBroker first = EmbeddedKafkaBroker.builder().dataDir(dir).build().start()) {
      TestKafka kafka = new TestKafka(first);
      kafka.createTopicNamed("durable", 1, Map.of());
      try (KafkaProducer<String, String> producer = transactionalProducer(kafka)) {
        producer.initTransactions();
        producer.beginTransaction();
        producer.send(new ProducerRecord<>("durable", "k", "survives")).get();
        producer.commitTransaction();
      }
    }

    // When a new broker starts on the same directory (on new ports)
    try (EmbeddedKafkaBroker second = EmbeddedKafkaBroker.builder().dataDir(dir).build().start()) {
      TestKafka kafka = new TestKafka(second);

      // Then the topic and the committed record are still there
      try (Admin admin = kafka.admin()) {
        assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains("durable");
      }
      assertThat(readAll(kafka, "durable", "read_committed", 1)).containsExactly("survives");
    }
    assertThat(Files.exists(dir.resolve("logs"))).isTrue();
  }

  private static KafkaProducer<String, String> transactionalProducer(TestKafka kafka) {
    Properties props = kafka.clientProperties();
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, kafka.uniqueName("tx-producer"));
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
  }

  private static List<String> readAll(
      TestKafka kafka, String topic, String isolation, int expected) {
    Properties props = kafka.clientProperties();
    props.put(ConsumerConfig.GROUP_ID_CONFIG, kafka.uniqueName("reader"));
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      // Poll until the expected count arrives, then once more to catch any record that should not
      // be there.
      while (values.size() < expected && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
      }
      for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
        values.add(r.value());
      }
    }
    return values;
  }

  private static Set<Integer> portsOf(String listeners) {
    Set<Integer> ports = new java.util.TreeSet<>();
    for (String listener : listeners.split(",", -1)) {
      ports.add(Integer.parseInt(listener.substring(listener.lastIndexOf(':') + 1)));
    }
    return ports;
  }

  /** Local addresses of LISTEN sockets on the given ports, from /proc/net/tcp and tcp6. */
  private static List<String> listeningAddresses(Set<Integer> ports) throws IOException {
    List<String> addresses = new ArrayList<>();
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      Path path = Path.of(table);
      if (!Files.exists(path)) {
        continue;
      }
      List<String> lines = Files.readAllLines(path);
      for (String line : lines.subList(1, lines.size())) {
        String[] cols = line.trim().split("\\s+", -1);
        String[] local = cols[1].split(":", -1);
        boolean listen = cols[3].equals("0A");
        int port = Integer.parseInt(local[1], 16);
        if (listen && ports.contains(port)) {
          addresses.add(decode(local[0]));
        }
      }
    }
    return addresses;
  }

  private static String decode(String hex) {
    String ipv4MappedPrefix = "0000000000000000FFFF0000";
    if (hex.length() == 32 && hex.startsWith(ipv4MappedPrefix)) {
      return decode(hex.substring(ipv4MappedPrefix.length()));
    }
    if (hex.length() != 8) {
      return "ipv6:" + hex;
    }
    // /proc/net/tcp prints the IPv4 address as a little-endian 32-bit hex number.
    StringBuilder sb = new StringBuilder();
    for (int i = 6; i >= 0; i -= 2) {
      sb.append(Integer.parseInt(hex.substring(i, i + 2), 16));
      if (i > 0) {
        sb.append('.');
      }
    }
    return sb.toString();
  }
}
