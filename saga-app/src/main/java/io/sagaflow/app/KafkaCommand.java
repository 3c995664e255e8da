package io.sagaflow.app;

import io.sagaflow.embedded.kafka.EmbeddedKafkaBroker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sagaflow kafka}: only the embedded broker, in the foreground, so broker and processor can
 * run, fail and restart on their own (scripts/kafka runs it in the background).
 */
@Command(
    name = "kafka",
    mixinStandardHelpOptions = true,
    description = "Run the embedded single-node Kafka broker on 127.0.0.1 until Ctrl-C / SIGTERM.")
final class KafkaCommand implements Callable<Integer> {
  @Option(
      names = "--data-dir",
      defaultValue = ".sagaflow/kafka",
      description = "Broker data directory, kept across restarts (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(
      names = "--port",
      defaultValue = "0",
      description = "Client port on 127.0.0.1; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--address-file",
      description = "Write the bootstrap address to this file once the broker is ready.")
  Path addressFile;

  @Override
  public Integer call() throws InterruptedException, IOException {
    EmbeddedBrokerLogging.quietBrokerShutdown();
    ShutdownLatch shutdown = new ShutdownLatch();
    int status = 1;
    try {
      try (EmbeddedKafkaBroker broker =
          EmbeddedKafkaBroker.builder().dataDir(dataDir).brokerPort(port).build().start()) {
        Optional<Path> file = Optional.ofNullable(addressFile);
        if (file.isPresent()) {
          Files.writeString(file.get(), broker.bootstrapServers() + "\n", StandardCharsets.UTF_8);
        }
        System.out.println(broker.bootstrapServers());
        System.out.flush();
        shutdown.await();
      }
      status = 0;
    } finally {
      shutdown.closed(status);
    }
    return 0;
  }
}
