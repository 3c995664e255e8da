package io.sagaflow.app;

import io.sagaflow.api.ApiSettings;
import io.sagaflow.api.HealthSignals;
import io.sagaflow.api.ParticipantHealth;
import io.sagaflow.api.RedriveClients;
import io.sagaflow.api.SagaApiServer;
import io.sagaflow.app.config.HttpConfig;
import io.sagaflow.app.config.SagaflowConfig;
import io.sagaflow.engine.SagaRegistry;
import io.sagaflow.serde.SchemaRegistry;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The HTTP API of one instance: the API server and the producer its entrypoints write with. */
final class HttpApi implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);

  private final Optional<KafkaProducer<String, byte[]>> producer;
  private final SagaApiServer server;

  private HttpApi(Optional<KafkaProducer<String, byte[]>> producer, SagaApiServer server) {
    this.producer = producer;
    this.server = server;
  }

  /**
   * Serves the API of an instance with sagas disabled: no processor runs, so every saga route
   * answers 503 sagas-disabled while health (ready, with sagasEnabled false) and metrics answer.
   */
  static HttpApi sagasDisabled(SagaflowConfig config) {
    HttpConfig http = config.http();
    ApiSettings settings =
        new ApiSettings(
            http.host(),
            http.port(),
            false,
            http.token(),
            http.tokenOnReads(),
            Optional.empty(),
            ApiSettings.DEFAULT_MAX_BODY_BYTES,
            ApiSettings.DEFAULT_FORWARD_TIMEOUT,
            config.autoRegister());
    SagaApiServer server = SagaApiServer.sagasDisabled(settings).start();
    LOG.info(
        "HTTP API at http://{}:{} with sagas DISABLED: saga routes answer 503 sagas-disabled;"
            + " /health/ready, /metrics and /openapi.yaml answer",
        http.host(),
        server.port());
    return new HttpApi(Optional.empty(), server);
  }

  /** The port the server listens on. */
  int port() {
    return server.port();
  }

  /**
   * Serves the API of {@code processor} on {@code address}, which must be the processor's {@code
   * application.server}, so other instances forward reads of this instance's sagas here. Readiness
   * watches the processor's thread replacements and {@code participants}, those running in this
   * process (none: an empty list).
   */
  static HttpApi start(
      SagaflowConfig config,
      HostInfo address,
      SagaProcessor processor,
      Supplier<List<ParticipantHealth>> participants,
      SagaRegistry sagas,
      SchemaRegistry schemas) {
    KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            ClientProperties.producer(config, config.applicationId() + "-api"),
            new StringSerializer(),
            new ByteArraySerializer());
    HttpConfig http = config.http();
    ApiSettings settings =
        new ApiSettings(
            http.host(),
            address.port(),
            config.enabled(),
            http.token(),
            http.tokenOnReads(),
            Optional.of(address),
            ApiSettings.DEFAULT_MAX_BODY_BYTES,
            ApiSettings.DEFAULT_FORWARD_TIMEOUT,
            config.autoRegister());
    try {
      SagaApiServer server =
          new SagaApiServer(
                  processor.streams(),
                  sagas,
                  schemas,
                  producer,
                  processor.counters(),
                  settings,
                  HealthSignals.of(processor.replacements()).withParticipants(participants),
                  RedriveClients.of(
                      ClientProperties.connection(config),
                      config.applicationId() + "-" + address.host() + "-" + address.port()))
              .start();
      LOG.info(
          "HTTP API at http://{}:{} (GET /sagas, GET /sagas/{sagaId}, POST /sagas/{type},"
              + " GET /dead-letters, /openapi.yaml, /health/ready, /metrics, console at /ui){}",
          http.host(),
          server.port(),
          http.tokenOnReads()
              ? "; entrypoints and reads need the bearer token"
              : http.token().isPresent() ? "; entrypoints need the bearer token" : "");
      return new HttpApi(Optional.of(producer), server);
    } catch (RuntimeException e) {
      producer.close();
      throw e;
    }
  }

  @Override
  public void close() {
    server.close();
    producer.ifPresent(KafkaProducer::close);
  }
}
