package io.sagaflow.embedded.registry;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Confluent-compatible schema registry for tests and the embedded default: Sagaflow's client,
 * Confluent's client, Karapace-style tooling all talk to it unchanged. Binds 127.0.0.1 only. State
 * comes from a {@link SchemaLog}; with {@link KafkaSchemaLog} ids survive a restart.
 */
public final class SchemaRegistryServer implements AutoCloseable {

  /** Default cap on a request body; a schema bigger than this is refused with HTTP 413. */
  public static final int DEFAULT_MAX_REQUEST_BYTES = 1 << 20;

  private static final Logger LOG = LoggerFactory.getLogger(SchemaRegistryServer.class);

  private final HttpServer http;
  private final ExecutorService workers;
  private final SchemaLog log;
  private final URI url;

  private SchemaRegistryServer(HttpServer http, ExecutorService workers, SchemaLog log) {
    this.http = http;
    this.workers = workers;
    this.log = log;
    this.url = URI.create("http://127.0.0.1:" + http.getAddress().getPort());
  }

  /** Starts on a free port with state in memory: for tests of one JVM's lifetime. */
  public static SchemaRegistryServer startInMemory() {
    return start(0, new InMemorySchemaLog(), DEFAULT_MAX_REQUEST_BYTES);
  }

  /** Starts on {@code port} (0 for a free one) with state in the default compacted Kafka topic. */
  public static SchemaRegistryServer startOnKafka(int port, String bootstrapServers) {
    return start(
        port,
        new KafkaSchemaLog(bootstrapServers, KafkaSchemaLog.DEFAULT_TOPIC),
        DEFAULT_MAX_REQUEST_BYTES);
  }

  /**
   * Replays {@code log}, then serves. The server owns the log from here on and closes it with
   * itself.
   */
  public static SchemaRegistryServer start(int port, SchemaLog log, int maxRequestBytes) {
    // The JDK server delays small responses ~40 ms (Nagle) unless this is set before it is created.
    System.setProperty("sun.net.httpserver.nodelay", "true");
    SchemaStore store = new SchemaStore(log);
    AtomicInteger threads = new AtomicInteger();
    ExecutorService workers =
        Executors.newFixedThreadPool(
            4,
            task -> {
              Thread thread = new Thread(task, "schema-registry-http-" + threads.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    try {
      HttpServer http =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
      http.createContext("/", new RegistryRoutes(store, maxRequestBytes));
      http.setExecutor(workers);
      http.start();
      SchemaRegistryServer server = new SchemaRegistryServer(http, workers, log);
      LOG.info("Schema registry listening on {} (storage: {})", server.url(), log.describe());
      return server;
    } catch (IOException e) {
      workers.shutdownNow();
      log.close();
      throw new UncheckedIOException("Cannot bind the schema registry to 127.0.0.1:" + port, e);
    }
  }

  /** Base URL, {@code http://127.0.0.1:<port>}. */
  public URI url() {
    return url;
  }

  public int port() {
    return url.getPort();
  }

  @Override
  public void close() {
    http.stop(0);
    workers.shutdownNow();
    log.close();
  }
}
