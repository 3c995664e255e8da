package io.sagaflow.app;

import io.sagaflow.embedded.registry.SchemaRegistryServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sagaflow registry}: only the schema registry, in the foreground, storing schemas in a
 * compacted topic of the given broker (scripts/registry runs it in the background).
 */
@Command(
    name = "registry",
    mixinStandardHelpOptions = true,
    description =
        "Run the Confluent-compatible schema registry on 127.0.0.1 until Ctrl-C / SIGTERM.")
final class RegistryCommand implements Callable<Integer> {
  @Option(
      names = "--bootstrap-servers",
      required = true,
      description = "Kafka cluster that stores the schemas (topic _sagaflow_schemas).")
  String bootstrapServers;

  @Option(
      names = "--port",
      defaultValue = "8081",
      description = "HTTP port on 127.0.0.1; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--url-file", description = "Write the registry URL here once it serves.")
  Path urlFile;

  @Override
  public Integer call() throws InterruptedException, IOException {
    ShutdownLatch shutdown = new ShutdownLatch();
    int status = 1;
    try {
      try (SchemaRegistryServer server =
          SchemaRegistryServer.startOnKafka(port, bootstrapServers)) {
        Optional<Path> file = Optional.ofNullable(urlFile);
        if (file.isPresent()) {
          Path temp = file.get().resolveSibling(file.get().getFileName() + ".tmp");
          Files.writeString(temp, server.url() + System.lineSeparator(), StandardCharsets.UTF_8);
          // Atomic, so a script polling for the file never reads half a URL.
          Files.move(temp, file.get(), StandardCopyOption.ATOMIC_MOVE);
        }
        System.out.println(server.url());
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
