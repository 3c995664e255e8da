package io.sagaflow.app;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * A standalone Kafka Connect worker in a child JVM, as an operator runs one: the plugin comes from
 * the archive the build produced, unpacked onto {@code plugin.path}; the worker's class path holds
 * Connect and its dependencies only, no Sagaflow class, so the connector cannot come from anywhere
 * but the plugin directory.
 */
final class ConnectWorker implements AutoCloseable {
  private final Path dir;
  private final Path workerProperties;
  private final List<Path> connectorProperties;
  private Process process;

  private ConnectWorker(Path dir, Path workerProperties, List<Path> connectorProperties) {
    this.dir = dir;
    this.workerProperties = workerProperties;
    this.connectorProperties = List.copyOf(connectorProperties);
  }

  /**
   * Unpacks {@code archive} under {@code dir}/plugins and writes the worker's configuration and one
   * file per connector, each named by its {@code name}.
   */
  static ConnectWorker prepare(
      Path dir, Path archive, Map<String, String> worker, List<Map<String, String>> connectors)
      throws IOException {
    Path plugins = dir.resolve("plugins");
    unzip(archive, plugins);
    Properties workerProps = new Properties();
    workerProps.putAll(worker);
    workerProps.put("plugin.path", plugins.toString());
    workerProps.put("offset.storage.file.filename", dir.resolve("offsets").toString());
    Path workerFile = dir.resolve("worker.properties");
    store(workerProps, workerFile);
    List<Path> connectorFiles = new ArrayList<>();
    for (Map<String, String> connector : connectors) {
      Path connectorFile = dir.resolve(connector.get("name") + ".properties");
      Properties connectorProps = new Properties();
      connectorProps.putAll(connector);
      store(connectorProps, connectorFile);
      connectorFiles.add(connectorFile);
    }
    return new ConnectWorker(dir, workerFile, connectorFiles);
  }

  /** Starts the worker; its output goes to {@link #log()}, appended across restarts. */
  synchronized ConnectWorker start() throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx384m");
    // The class path may hold more than one SLF4J binding (the app's and Kafka's): pick one.
    command.add("-Dslf4j.provider=org.slf4j.simple.SimpleServiceProvider");
    command.add("-Dorg.slf4j.simpleLogger.showDateTime=true");
    command.add("-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS");
    command.add("-cp");
    command.add(workerClassPath());
    command.add("org.apache.kafka.connect.cli.ConnectStandalone");
    command.add(workerProperties.toString());
    connectorProperties.forEach(file -> command.add(file.toString()));
    process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()))
            .start();
    return this;
  }

  /** Stops the worker at once, as a crash or an OOM kill would: no clean shutdown, no commit. */
  synchronized void kill() throws InterruptedException {
    if (process != null) {
      process.destroyForcibly().waitFor();
      process = null;
    }
  }

  synchronized boolean isAlive() {
    return process != null && process.isAlive();
  }

  Path log() {
    return dir.resolve("worker.log");
  }

  List<String> logLines() throws IOException {
    return Files.exists(log()) ? Files.readAllLines(log()) : List.of();
  }

  /** Stops it cleanly (SIGTERM: Connect's shutdown hook stops the tasks and commits). */
  @Override
  public synchronized void close() throws InterruptedException {
    if (process != null) {
      process.destroy();
      process.waitFor();
      process = null;
    }
  }

  /**
   * This JVM's class path without any Sagaflow module (their target directories and jars): what
   * remains is Connect, Kafka and third-party libraries.
   */
  private static String workerClassPath() {
    return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(entry -> entry.endsWith(".jar"))
        .filter(entry -> !entry.contains(File.separator + "io" + File.separator + "sagaflow"))
        .filter(entry -> !entry.contains(File.separator + "target" + File.separator))
        .collect(Collectors.joining(File.pathSeparator));
  }

  private static void unzip(Path archive, Path into) throws IOException {
    try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(archive))) {
      for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
        Path target = into.resolve(entry.getName()).normalize();
        if (!target.startsWith(into)) {
          throw new IOException("archive entry outside the plugin directory: " + entry.getName());
        }
        if (entry.isDirectory()) {
          Files.createDirectories(target);
        } else {
          Files.createDirectories(target.getParent());
          Files.copy(zip, target);
        }
      }
    }
  }

  private static void store(Properties props, Path file) {
    try (OutputStream out = Files.newOutputStream(file)) {
      props.store(out, null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
