package io.sagaflow.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.sagaflow.engine.SagaRegistry;
import io.sagaflow.serde.SchemaRegistry;
import io.sagaflow.topology.SagaCounters;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The interactive-query HTTP API of one processor instance: saga status from the local stores
 * (forwarded to the owning instance when needed), the saga entrypoints, health, metrics and the
 * status UI. The routes are exactly those of {@code openapi.yaml}, which it serves at {@code
 * /openapi.yaml}.
 *
 * <p>The caller owns the Kafka Streams instance and the producer (idempotent, for saga.requests and
 * saga.replies); closing the server stops only the HTTP side and its metrics.
 */
public final class SagaApiServer implements AutoCloseable {
  private final Javalin app;
  private final Metrics metrics;
  private final Optional<Redriver> redriver;

  /**
   * Builds the server; {@link #start()} binds it.
   *
   * @param streams the processor, for status reads, health and metrics
   * @param registry the saga definitions, to validate start bodies and step results
   * @param schemas the schema registry the processor uses
   * @param producer writes to saga.requests and saga.replies; should be idempotent
   * @param counters the processor's counters, exported on /metrics
   * @param settings bind address, flag, token, limits
   * @param signals what readiness watches besides the Streams state: the thread replacements that
   *     {@code streams}' uncaught exception handler counts, and the participants in this process
   */
  public SagaApiServer(
      KafkaStreams streams,
      SagaRegistry registry,
      SchemaRegistry schemas,
      Producer<String, byte[]> producer,
      SagaCounters counters,
      ApiSettings settings,
      HealthSignals signals) {
    this(streams, registry, schemas, producer, counters, settings, signals, RedriveClients.none());
  }

  /**
   * Builds the server with dead-letter redrive: {@code redrive} reaches the cluster to read
   * saga.dlq and write redriven inputs with their record; the other parameters as above.
   */
  public SagaApiServer(
      KafkaStreams streams,
      SagaRegistry registry,
      SchemaRegistry schemas,
      Producer<String, byte[]> producer,
      SagaCounters counters,
      ApiSettings settings,
      HealthSignals signals,
      RedriveClients redrive) {
    Objects.requireNonNull(streams, "streams");
    Objects.requireNonNull(signals, "signals");
    ObjectMapper mapper = new ObjectMapper();
    this.metrics = Metrics.of(streams, counters, signals.threadReplacements(), producer);
    this.redriver =
        redrive.clientConfig().map(c -> new Redriver(redrive, schemas, mapper, Clock.systemUTC()));
    this.app =
        javalin(
            mapper,
            settings,
            new ProcessorEndpoints(
                streams, registry, schemas, producer, settings, signals, mapper, redriver),
            new RolloutRoutes(
                streams,
                registry,
                schemas,
                producer,
                settings.autoRegister(),
                new JsonBodies(mapper, settings.maxBodyBytes()),
                Clock.systemUTC()),
            RouteGates.of(settings),
            metrics);
  }

  /**
   * Builds a server whose readiness cannot see stream threads being replaced in a loop, because
   * nothing counts them: for tests and tools. A deployment wraps its handler with {@link
   * StreamThreadReplacements#counting} and passes {@link HealthSignals}.
   */
  public SagaApiServer(
      KafkaStreams streams,
      SagaRegistry registry,
      SchemaRegistry schemas,
      Producer<String, byte[]> producer,
      SagaCounters counters,
      ApiSettings settings) {
    this(
        streams,
        registry,
        schemas,
        producer,
        counters,
        settings,
        HealthSignals.of(StreamThreadReplacements.withDefaults()));
  }

  private SagaApiServer(ApiSettings settings) {
    this.metrics = Metrics.withoutProcessor();
    this.redriver = Optional.empty();
    this.app =
        javalin(
            new ObjectMapper(),
            settings,
            SagaEndpoints.withoutProcessor(),
            RolloutEndpoints.withoutProcessor(),
            RouteGates.none(),
            metrics);
  }

  /**
   * A server for an instance that runs with sagas disabled and therefore without a processor: the
   * same routes, every saga route answering {@code 503 sagas-disabled}, liveness {@code 200},
   * readiness {@code 200} with {@code sagasEnabled: false}, and metrics without Streams' meters.
   *
   * @param settings bind address and limits; {@code sagasEnabled} must be false
   */
  public static SagaApiServer sagasDisabled(ApiSettings settings) {
    if (settings.sagasEnabled()) {
      throw new IllegalArgumentException(
          "a server without a processor is for SAGA_ENABLED=false; settings say sagas are enabled");
    }
    return new SagaApiServer(settings);
  }

  private static Javalin javalin(
      ObjectMapper mapper,
      ApiSettings settings,
      SagaEndpoints saga,
      RolloutEndpoints rollouts,
      RouteGates gates,
      Metrics metrics) {
    ProblemRenderer problems = new ProblemRenderer(mapper, settings.maxBodyBytes());
    TransportProblems transport = new TransportProblems(mapper);
    RouteTable table =
        RouteTable.of(saga, rollouts, metrics, new UiRoutes(), resource("openapi.yaml"));
    return Javalin.create(
        config -> {
          config.jetty.host = settings.host();
          config.jetty.port = settings.port();
          config.http.maxRequestSize = settings.maxBodyBytes();
          config.startup.showJavalinBanner = false;
          config.jetty.modifyHttpConfiguration(
              http -> http.setRequestHeaderSize(TransportProblems.REQUEST_HEADER_BYTES));
          // Jetty refuses some requests before Javalin routes them; both the server and the
          // servlet context must answer those as problems, since either may be the one refusing.
          config.jetty.modifyServer(server -> server.setErrorHandler(transport));
          config.jetty.modifyServletContextHandler(context -> context.setErrorHandler(transport));
          problems.install(config.routes);
          config.routes.before(RequestPaths::check);
          table.install(config.routes, gates);
        });
  }

  /** Binds the port and starts answering. */
  public SagaApiServer start() {
    app.start();
    return this;
  }

  /** The bound port. */
  public int port() {
    return app.port();
  }

  /**
   * Every registered route as {@code METHOD path}, for the contract test; filters that run before
   * every request (the path check) are not routes.
   */
  public List<String> routes() {
    return app.unsafe.internalRouter.allHttpHandlers().stream()
        .filter(p -> p.endpoint.method.isHttpMethod())
        .map(p -> p.endpoint.method.name() + " " + p.endpoint.path)
        .sorted()
        .toList();
  }

  @Override
  public void close() {
    app.stop();
    metrics.close();
    redriver.ifPresent(Redriver::close);
  }

  private static byte[] resource(String name) {
    try (InputStream in = SagaApiServer.class.getResourceAsStream("/" + name)) {
      if (in == null) {
        throw new IllegalStateException(name + " is missing from the classpath");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
