package io.sagaflow.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.sagaflow.engine.SagaRegistry;
import io.sagaflow.serde.SchemaRegistry;
import io.sagaflow.topology.DataCodec;
import io.sagaflow.topology.SagaCounters;
import io.sagaflow.topology.SagaTopology;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
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
  private static final String OPENAPI = "/openapi.yaml";

  private final Javalin app;
  private final Metrics metrics;

  /**
   * Builds the server; {@link #start()} binds it.
   *
   * @param streams the processor, for status reads, readiness and metrics
   * @param registry the saga definitions, to validate start bodies and step results
   * @param schemas the schema registry the processor uses
   * @param producer writes to saga.requests and saga.replies; should be idempotent
   * @param counters the processor's counters, exported on /metrics
   * @param settings bind address, flag, token, limits
   */
  public SagaApiServer(
      KafkaStreams streams,
      SagaRegistry registry,
      SchemaRegistry schemas,
      Producer<String, byte[]> producer,
      SagaCounters counters,
      ApiSettings settings) {
    Objects.requireNonNull(streams, "streams");
    ObjectMapper mapper = new ObjectMapper();
    DataCodec codec = new DataCodec(schemas, settings.autoRegister());
    SagaInputs inputs = new SagaInputs(producer, schemas, settings.autoRegister());
    JsonBodies bodies = new JsonBodies(mapper, settings.maxBodyBytes());
    BearerAuth auth = new BearerAuth(settings.bearerToken());
    EntryGuard guard = new EntryGuard(settings.sagasEnabled(), auth);
    // Reads check the token before anything else, so an unauthorised caller learns nothing, not
    // even whether a saga exists or the store is rebalancing.
    BearerAuth readAuth =
        new BearerAuth(settings.tokenOnReads() ? settings.bearerToken() : Optional.empty());
    EntryRoutes entries = new EntryRoutes(registry, codec, inputs, bodies);
    ReplyRoute replies = new ReplyRoute(registry, codec, inputs, bodies);
    String self = settings.advertised().map(h -> h.host() + ":" + h.port()).orElse("local");
    SagaLookup lookup =
        new SagaLookup(
            streams,
            new SagaStatusView(codec),
            settings.advertised(),
            new Forwarder(settings.forwardTimeout(), self));
    FanOut fanOut =
        new FanOut(
            streams,
            settings.advertised(),
            new Forwarder(settings.forwardTimeout(), self),
            topic -> producer.partitionsFor(topic).size());
    SearchRoute search =
        new SearchRoute(
            fanOut,
            new LocalSearch(new StoreRanges(streams, SagaTopology.INDEX_STORE)),
            registry,
            mapper);
    DeadLettersRoute deadLetters =
        new DeadLettersRoute(
            fanOut,
            new LocalDeadLetters(new StoreRanges(streams, SagaTopology.DEAD_LETTER_STORE)),
            mapper);
    HealthRoutes health = new HealthRoutes(streams, settings.sagasEnabled());
    this.metrics = Metrics.of(streams, counters);
    this.app =
        javalin(
            mapper,
            settings,
            new SagaRoutes(
                authorised(readAuth, search::handle),
                authorised(readAuth, new StatusRoute(lookup)::handle),
                authorised(readAuth, deadLetters::handle),
                guarded(guard, entries::start),
                guarded(guard, entries::cancel),
                guarded(guard, entries::operator),
                guarded(guard, replies::reply),
                health::ready),
            metrics);
  }

  private SagaApiServer(ApiSettings settings) {
    this.metrics = Metrics.withoutProcessor();
    // No processor runs here, so there is neither state to read nor a reason to accept input:
    // every saga route answers the same 503, so clients learn why instead of seeing 404s.
    Handler disabled =
        ctx -> {
          throw EntryGuard.withoutProcessor();
        };
    this.app =
        javalin(
            new ObjectMapper(),
            settings,
            new SagaRoutes(
                disabled,
                disabled,
                disabled,
                disabled,
                disabled,
                disabled,
                disabled,
                HealthRoutes::withoutProcessor),
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

  /** The handlers that differ between a server over a processor and one without. */
  private record SagaRoutes(
      Handler search,
      Handler status,
      Handler deadLetters,
      Handler start,
      Handler cancel,
      Handler operator,
      Handler reply,
      Handler ready) {}

  private static Javalin javalin(
      ObjectMapper mapper, ApiSettings settings, SagaRoutes saga, Metrics metrics) {
    ProblemRenderer problems = new ProblemRenderer(mapper, settings.maxBodyBytes());
    byte[] openapi = resource("openapi.yaml");
    UiRoutes ui = new UiRoutes();
    return Javalin.create(
        config -> {
          config.jetty.host = settings.host();
          config.jetty.port = settings.port();
          config.http.maxRequestSize = settings.maxBodyBytes();
          config.startup.showJavalinBanner = false;
          RoutesConfig routes = config.routes;
          problems.install(routes);
          routes.get(OPENAPI, ctx -> ctx.contentType("application/yaml").result(openapi));
          routes.get("/sagas", saga.search());
          routes.get("/sagas/{sagaId}", saga.status());
          routes.get("/sagas/{sagaId}/dead-letters", saga.deadLetters());
          routes.post("/sagas/{type}", saga.start());
          routes.post("/sagas/{sagaId}/cancel", saga.cancel());
          routes.post("/sagas/{sagaId}/operator", saga.operator());
          routes.post("/sagas/{sagaId}/steps/{step}/reply", saga.reply());
          routes.get("/health/live", HealthRoutes::live);
          routes.get("/health/ready", saga.ready());
          routes.get("/metrics", metrics::scrape);
          routes.get("/ui", ui::page);
          routes.get("/ui/assets/{file}", ui::asset);
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

  /** Every registered route as {@code METHOD path}, for the contract test. */
  public List<String> routes() {
    return app.unsafe.internalRouter.allHttpHandlers().stream()
        .map(p -> p.endpoint.method.name() + " " + p.endpoint.path)
        .sorted()
        .toList();
  }

  @Override
  public void close() {
    app.stop();
    metrics.close();
  }

  private static Handler guarded(EntryGuard guard, Handler handler) {
    return (Context ctx) -> {
      guard.check(ctx);
      handler.handle(ctx);
    };
  }

  private static Handler authorised(BearerAuth auth, Handler handler) {
    return (Context ctx) -> {
      auth.require(ctx);
      handler.handle(ctx);
    };
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
