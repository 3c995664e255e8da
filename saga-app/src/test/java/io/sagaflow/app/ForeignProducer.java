package io.sagaflow.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A producer that partitions keys the way clients outside the Java world do by default: each record
 * is sent and acknowledged before {@link #send} returns.
 */
interface ForeignProducer extends AutoCloseable {

  /** Sends {@code value} keyed by {@code key}, with string {@code headers}, and waits for it. */
  void send(String topic, String key, byte[] value, Map<String, String> headers) throws Exception;

  @Override
  void close();

  /** A Java producer with {@link Crc32Partitioner}, librdkafka's default imitated. */
  static ForeignProducer crc32(String bootstrapServers) {
    KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ProducerConfig.PARTITIONER_CLASS_CONFIG,
                Crc32Partitioner.class.getName()),
            new StringSerializer(),
            new ByteArraySerializer());
    return new ForeignProducer() {
      @Override
      public void send(String topic, String key, byte[] value, Map<String, String> headers)
          throws InterruptedException, ExecutionException {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, key, value);
        headers.forEach((k, v) -> record.headers().add(k, v.getBytes(StandardCharsets.UTF_8)));
        producer.send(record).get();
      }

      @Override
      public void close() {
        producer.close();
      }
    };
  }

  /**
   * kcat, librdkafka's command-line client, with its default partitioner: one process per record,
   * the value read from a file (kcat sends each file as one message, bytes as they are).
   *
   * @throws IllegalStateException when kcat is not installed, so a test that needs it fails instead
   *     of passing without having run
   */
  static ForeignProducer kcat(String bootstrapServers, Path workDir) {
    String kcat = kcatExecutable();
    return new ForeignProducer() {
      private int sent;

      @Override
      public void send(String topic, String key, byte[] value, Map<String, String> headers)
          throws IOException, InterruptedException {
        Path file = workDir.resolve("kcat-" + sent++ + ".bin");
        Files.write(file, value);
        List<String> command =
            new ArrayList<>(
                List.of(kcat, "-P", "-q", "-b", bootstrapServers, "-t", topic, "-k", key));
        headers.forEach((k, v) -> command.addAll(List.of("-H", k + "=" + v)));
        command.add(file.toString());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          throw new IllegalStateException("kcat did not finish within 60 s: " + command);
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
          throw new IllegalStateException(
              "kcat exited with " + process.exitValue() + ": " + output + " (" + command + ")");
        }
      }

      @Override
      public void close() {}
    };
  }

  /** kcat from {@code KCAT} or the path. */
  static String kcatExecutable() {
    Optional<String> configured = Optional.ofNullable(System.getenv("KCAT"));
    Stream<Path> candidates =
        configured
            .map(c -> Stream.of(Path.of(c)))
            .orElseGet(
                () ->
                    Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                        .filter(d -> !d.isEmpty())
                        .flatMap(d -> Stream.of(Path.of(d, "kcat"), Path.of(d, "kafkacat"))));
    return candidates
        .filter(Files::isExecutable)
        .findFirst()
        .map(Path::toString)
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "kcat is not installed, and this test produces with it: install it"
                        + " (Debian/Ubuntu: apt-get install -y kcat; scripts/test does) or set"
                        + " KCAT to its path."));
  }
}
