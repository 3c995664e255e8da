package io.sagaflow.embedded.registry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the registry as its own process (used by {@code scripts/registry}), so broker, registry and
 * processor can fail and restart independently.
 *
 * <p>Options: {@code --port N} (default 8081; 0 picks a free port), {@code --bootstrap-servers
 * HOST:PORT} (default: environment {@code KAFKA_BOOTSTRAP_SERVERS}), {@code --topic NAME} (default
 * {@value KafkaSchemaLog#DEFAULT_TOPIC}), {@code --url-file PATH} (the URL is written there once
 * serving), and {@code --in-memory} to run without Kafka.
 */
public final class SchemaRegistryMain {

  private SchemaRegistryMain() {}

  public static void main(String[] args) throws InterruptedException {
    int port = 8081;
    Optional<String> bootstrap = Optional.ofNullable(System.getenv("KAFKA_BOOTSTRAP_SERVERS"));
    String topic = KafkaSchemaLog.DEFAULT_TOPIC;
    Optional<Path> urlFile = Optional.empty();
    boolean inMemory = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--port" -> port = Integer.parseInt(value(args, ++i));
        case "--bootstrap-servers" -> bootstrap = Optional.of(value(args, ++i));
        case "--topic" -> topic = value(args, ++i);
        case "--url-file" -> urlFile = Optional.of(Path.of(value(args, ++i)));
        case "--in-memory" -> inMemory = true;
        default ->
            throw new IllegalArgumentException(
                "Unknown option "
                    + args[i]
                    + "; use --port, --bootstrap-servers, --topic, --url-file, --in-memory");
      }
    }
    SchemaLog log;
    if (inMemory) {
      log = new InMemorySchemaLog();
    } else {
      String servers =
          bootstrap.orElseThrow(
              () ->
                  new IllegalArgumentException(
                      "No Kafka to store schemas in: pass --bootstrap-servers or set"
                          + " KAFKA_BOOTSTRAP_SERVERS (or --in-memory for a throw-away registry)"));
      log = new KafkaSchemaLog(servers, topic);
    }
    SchemaRegistryServer server =
        SchemaRegistryServer.start(port, log, SchemaRegistryServer.DEFAULT_MAX_REQUEST_BYTES);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  stopped.countDown();
                },
                "schema-registry-shutdown"));
    System.out.println(server.url());
    urlFile.ifPresent(file -> writeUrl(file, server));
    stopped.await();
  }

  private static String value(String[] args, int index) {
    if (index >= args.length) {
      throw new IllegalArgumentException("Option " + args[index - 1] + " needs a value");
    }
    return args[index];
  }

  private static void writeUrl(Path file, SchemaRegistryServer server) {
    try {
      Path temp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.writeString(temp, server.url() + System.lineSeparator(), StandardCharsets.UTF_8);
      // Atomic so a script polling for the file never reads half a URL.
      Files.move(temp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the registry URL to " + file, e);
    }
  }
}
