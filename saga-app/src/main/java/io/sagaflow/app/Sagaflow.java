package io.sagaflow.app;

import io.sagaflow.app.config.ConfigLoader;
import io.sagaflow.app.config.SagaflowConfig;
import io.sagaflow.app.modules.SagaModules;
import io.sagaflow.engine.SagaDefinition;
import io.sagaflow.module.SagaModule;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Sagaflow as a library: a running saga processor and HTTP API for the saga modules an application
 * hands over, inside that application's own process (a plain {@code main}, Spring Boot, Quarkus).
 *
 * <pre>{@code
 * try (Sagaflow sagaflow =
 *     Sagaflow.builder()
 *         .module(new MyTransferModule())
 *         .bootstrapServers("kafka-1:9092")
 *         .schemaRegistryUrl("http://registry:8081")
 *         .httpPort(8080)
 *         .start()) {
 *   // sagaflow.httpUrl() serves status, start, cancel, callbacks, /ui ...
 * }
 * }</pre>
 *
 * <p>Settings are the stock runtime's (docs/configuration.md): the process environment ({@code
 * SAGA_*}, {@code KAFKA_*}) is read as it is by {@code sagaflow run}, so {@code SAGA_ENABLED} gates
 * a library instance too, and what the builder sets wins over it. Modules are the ones given here;
 * none is looked up on the class path or a plugin path.
 */
public final class Sagaflow implements AutoCloseable {
  private final SagaflowRuntime runtime;

  private Sagaflow(SagaflowRuntime runtime) {
    this.runtime = runtime;
  }

  /** A builder that reads the process environment like {@code sagaflow run}. */
  public static Builder builder() {
    return new Builder(System.getenv());
  }

  /** The base URL of the HTTP API, for example {@code http://127.0.0.1:8080}. */
  public String httpUrl() {
    return "http://" + runtime.config().http().host() + ":" + runtime.httpPort().orElseThrow();
  }

  /** The Kafka bootstrap servers in use (the embedded broker's when {@link Builder#embedded}). */
  public String bootstrapServers() {
    return runtime.config().kafka().get("bootstrap.servers");
  }

  /** The schema registry in use. */
  public String schemaRegistryUrl() {
    return runtime.config().requireSchemaRegistryUrl();
  }

  /** Stops the HTTP API and the processor (committing its work) and anything embedded. */
  @Override
  public void close() {
    runtime.close();
  }

  /** Collects modules and settings; {@link #start()} validates them all and starts. */
  public static final class Builder {
    private final Map<String, String> environment;
    private final Map<String, String> settings = new LinkedHashMap<>();
    private final List<SagaModule> modules = new ArrayList<>();

    private Builder(Map<String, String> environment) {
      this.environment = Map.copyOf(environment);
      // A library instance runs against the application's cluster unless told otherwise, and
      // drives no demo.
      settings.put("saga.mode", "external");
      settings.put("saga.demo.enabled", "false");
    }

    /** Replaces the process environment as the layer under the builder's settings. */
    public Builder environment(Map<String, String> variables) {
      return new Builder(variables).copyFrom(this);
    }

    private Builder copyFrom(Builder other) {
      settings.putAll(other.settings);
      modules.addAll(other.modules);
      return this;
    }

    /** Adds a saga module: its definitions, and its simulated participants if they are enabled. */
    public Builder module(SagaModule module) {
      modules.add(Objects.requireNonNull(module, "module"));
      return this;
    }

    /** Adds definitions without a module of their own (no participants, no demo). */
    public Builder definitions(SagaDefinition<?>... definitions) {
      List<SagaDefinition<?>> list = List.of(definitions);
      return module(
          new SagaModule() {
            @Override
            public List<SagaDefinition<?>> definitions() {
              return list;
            }

            @Override
            public String moduleName() {
              return "definitions";
            }
          });
    }

    /** The Kafka cluster ({@code kafka.bootstrap.servers}). */
    public Builder bootstrapServers(String servers) {
      return set("kafka.bootstrap.servers", servers);
    }

    /** The Confluent-compatible schema registry ({@code saga.schema.registry.url}). */
    public Builder schemaRegistryUrl(String url) {
      return set("saga.schema.registry.url", url);
    }

    /** The HTTP API's port, 0 for a free one ({@code saga.http.port}). */
    public Builder httpPort(int port) {
      return set("saga.http.port", Integer.toString(port));
    }

    /** The Kafka Streams application id, also the participants' group prefix. */
    public Builder applicationId(String id) {
      return set("kafka.application.id", id);
    }

    /** Where local state lives ({@code saga.data.dir}). */
    public Builder dataDir(Path dir) {
      return set("saga.data.dir", dir.toString());
    }

    /** Starts a broker and a registry in this process instead ({@code saga.mode=embedded}). */
    public Builder embedded() {
      return set("saga.mode", "embedded");
    }

    /** Turns saga processing on or off ({@code saga.enabled}, the {@code SAGA_ENABLED} flag). */
    public Builder enabled(boolean enabled) {
      return set("saga.enabled", Boolean.toString(enabled));
    }

    /** Any setting of docs/configuration.md, by key, e.g. {@code kafka.num.stream.threads}. */
    public Builder set(String key, String value) {
      settings.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, key));
      return this;
    }

    /**
     * Validates the settings and modules and starts the processor and the HTTP API.
     *
     * @throws io.sagaflow.app.config.ConfigException naming the setting, module, type or step that
     *     is wrong
     */
    public Sagaflow start() {
      SagaflowConfig config = ConfigLoader.load(environment, settings);
      SagaModules loaded = SagaModules.ofModules(modules, "library");
      return new Sagaflow(new SagaflowRuntime(config, loaded).start());
    }
  }
}
