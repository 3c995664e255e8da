package io.sagaflow.participant;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.sagaflow.serde.RegistryClientSettings;
import io.sagaflow.serde.SchemaRegistry;
import io.sagaflow.serde.SchemaRegistryClient;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;

/**
 * A participant service's connection to its sagas: one thread that consumes a command topic, hands
 * each command to the handler registered for its type and kind, and writes the reply.
 *
 * <pre>{@code
 * Participant inventory = Participant.builder()
 *     .name("inventory")
 *     .bootstrapServers("kafka:9092")
 *     .schemaRegistryUrl("http://registry:8081")
 *     .commandTopic("inventory.commands")
 *     .groupId("inventory-service")
 *     .onAction(ReserveInventory.class, (cmd, ctx) -> Reply.success(reserve(cmd, ctx.commandId())))
 *     .onCompensation(ReleaseInventory.class, (cmd, ctx) -> { release(cmd); return Reply.success(); })
 *     .start();
 * }</pre>
 *
 * <p>{@link #close()} stops it after the batch in hand; {@link #health()} says whether it serves.
 */
public final class Participant implements AutoCloseable {
  /** The error code of a reply to a command whose handler threw. */
  public static final String HANDLER_FAILED_CODE = "PARTICIPANT_HANDLER_FAILED";

  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

  private final String name;
  private final CommandLoop loop;
  private final Thread thread;

  private Participant(String name, CommandLoop loop) {
    this.name = name;
    this.loop = loop;
    this.thread = new Thread(loop, "participant-" + name);
  }

  /**
   * The dead-letter topic of {@code commandTopic} unless configured otherwise: {@code
   * <commandTopic>.dlq}. {@code sagaflow run} creates it with each command topic.
   */
  public static String defaultDeadLetterTopic(String commandTopic) {
    return commandTopic + ".dlq";
  }

  /** A builder; {@link Builder#start()} starts the participant. */
  public static Builder builder() {
    return new Builder();
  }

  /** Its name, written as {@code ce_source} on its replies. */
  public String name() {
    return name;
  }

  /** RUNNING while it serves; STOPPED once closed; FAILED, with the cause, if its loop died. */
  public Health health() {
    return loop.health();
  }

  /** What it did so far. */
  public ParticipantStats stats() {
    return loop.stats();
  }

  /**
   * Stops consuming: the batch in hand is finished (its replies written, its offsets committed),
   * then the clients are closed. Waits up to 30 seconds for that.
   */
  @Override
  public void close() {
    loop.stop();
    try {
      thread.join(CLOSE_TIMEOUT.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Waits until the loop has ended, for at most {@code timeout}; true when it has. */
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    thread.join(TimeUnit.MILLISECONDS.convert(timeout));
    return !thread.isAlive();
  }

  private Participant begin() {
    thread.start();
    return this;
  }

  /** Settings of a participant. Only the topic, group, registry and one handler are required. */
  public static final class Builder {
    private String name;
    private final Map<String, Object> clientProperties = new HashMap<>();
    private final Map<String, Object> consumerProperties = new HashMap<>();
    private final Map<String, Object> producerProperties = new HashMap<>();
    private SchemaRegistry registry;
    private boolean autoRegister;
    private String commandTopic;
    private String groupId;
    private String deadLetterTopic;
    private DeliveryMode mode = DeliveryMode.AT_LEAST_ONCE;
    private String transactionalId;
    private CommandLedger ledger;
    private final Map<Class<?>, CommandHandler<SpecificRecord>> actions = new LinkedHashMap<>();
    private final Map<Class<?>, CommandHandler<SpecificRecord>> compensations =
        new LinkedHashMap<>();
    private CommandHandler<SpecificRecord> anyCommand;
    private ClassLoader classLoader;
    private BatchHook batchHook = records -> {};
    private ClientsHook clientsHook = (consumer, producer) -> () -> {};
    private Clock clock = Clock.systemUTC();
    private Duration pollTimeout = Duration.ofMillis(200);
    private OpenTelemetry openTelemetry;

    private Builder() {}

    /** Its name, written as {@code ce_source} on replies; the group id when not set. */
    public Builder name(String name) {
      this.name = requireText(name, "name");
      return this;
    }

    /** The Kafka cluster's {@code bootstrap.servers}. */
    public Builder bootstrapServers(String servers) {
      return clientProperty("bootstrap.servers", requireText(servers, "bootstrap servers"));
    }

    /** A Kafka client setting for both its consumer and producer (security, timeouts, ...). */
    public Builder clientProperty(String key, Object value) {
      clientProperties.put(key, value);
      return this;
    }

    /** Kafka client settings for both its consumer and producer. */
    public Builder clientProperties(Map<String, ?> properties) {
      clientProperties.putAll(properties);
      return this;
    }

    /** A setting of its consumer only; wins over {@link #clientProperty}. */
    public Builder consumerProperty(String key, Object value) {
      consumerProperties.put(key, value);
      return this;
    }

    /** A setting of its producer only; wins over {@link #clientProperty}. */
    public Builder producerProperty(String key, Object value) {
      producerProperties.put(key, value);
      return this;
    }

    /** The schema registry commands are read and replies written with. */
    public Builder schemaRegistry(SchemaRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /** The schema registry at {@code url} (Confluent REST API). */
    public Builder schemaRegistryUrl(String url) {
      return schemaRegistry(
          new SchemaRegistryClient(RegistryClientSettings.of(requireText(url, "registry url"))));
    }

    /**
     * Whether schemas of replies and results it writes are registered when missing; off by default,
     * as in production the release registers them.
     */
    public Builder autoRegisterSchemas(boolean autoRegister) {
      this.autoRegister = autoRegister;
      return this;
    }

    /** The topic its commands arrive on, for example {@code inventory.commands}. */
    public Builder commandTopic(String topic) {
      this.commandTopic = requireText(topic, "command topic");
      return this;
    }

    /** Its consumer group: every instance of the service shares it. */
    public Builder groupId(String groupId) {
      this.groupId = requireText(groupId, "group id");
      return this;
    }

    /**
     * Where records it cannot read go; {@code <commandTopic>.dlq} by default. The topic must exist
     * when it starts.
     */
    public Builder deadLetterTopic(String topic) {
      this.deadLetterTopic = requireText(topic, "dead-letter topic");
      return this;
    }

    /** {@link DeliveryMode#AT_LEAST_ONCE} (the default) or {@link DeliveryMode#TRANSACTIONAL}. */
    public Builder mode(DeliveryMode mode) {
      this.mode = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /**
     * Transactional mode with {@code transactionalId}: unique per instance and stable across its
     * restarts (a pod name, a static group member id), so a restarted instance fences its dead
     * predecessor and aborts what it left open at once.
     */
    public Builder transactional(String transactionalId) {
      this.transactionalId = requireText(transactionalId, "transactional id");
      this.mode = DeliveryMode.TRANSACTIONAL;
      return this;
    }

    /**
     * The ledger of replies given, by command id; an {@link InMemoryCommandLedger} of {@value
     * InMemoryCommandLedger#DEFAULT_CAPACITY} entries by default.
     */
    public Builder ledger(CommandLedger ledger) {
      this.ledger = Objects.requireNonNull(ledger, "ledger");
      return this;
    }

    /** Handles the actions whose payload is a {@code type}. */
    public <C extends SpecificRecord> Builder onAction(Class<C> type, CommandHandler<C> handler) {
      register(actions, type, handler, "action");
      return this;
    }

    /** Handles the compensations whose payload is a {@code type}. */
    public <C extends SpecificRecord> Builder onCompensation(
        Class<C> type, CommandHandler<C> handler) {
      register(compensations, type, handler, "compensation");
      return this;
    }

    /**
     * Handles every command no typed handler takes, of any type and kind: for generic services (a
     * bridge, a simulation) that look at the record and the context themselves.
     */
    public Builder onAnyCommand(CommandHandler<SpecificRecord> handler) {
      this.anyCommand = Objects.requireNonNull(handler, "handler");
      return this;
    }

    /**
     * The class loader that sees the generated classes of its commands and results; by default that
     * of the first typed handler's command class, else the kit's own.
     */
    public Builder classLoader(ClassLoader classLoader) {
      this.classLoader = Objects.requireNonNull(classLoader, "classLoader");
      return this;
    }

    /**
     * Hands the participant's Kafka clients to {@code hook} once they exist, for example to bind
     * Micrometer's {@code KafkaClientMetrics} to a registry; what the hook returns is closed before
     * the clients.
     */
    public Builder onClients(ClientsHook hook) {
      this.clientsHook = Objects.requireNonNull(hook, "hook");
      return this;
    }

    /** Runs before each polled batch is handled. */
    public Builder beforeEachBatch(BatchHook hook) {
      this.batchHook = Objects.requireNonNull(hook, "hook");
      return this;
    }

    /** The clock of {@code ce_time} on replies. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Where the participant's spans go (one per command, in the saga's trace); by default {@link
     * GlobalOpenTelemetry}, which is the no-op API unless the application or the OpenTelemetry Java
     * agent registered an SDK.
     */
    public Builder openTelemetry(OpenTelemetry tracing) {
      this.openTelemetry = Objects.requireNonNull(tracing, "tracing");
      return this;
    }

    /** How long one poll waits for commands, which also bounds how soon a close is noticed. */
    public Builder pollTimeout(Duration timeout) {
      this.pollTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * Starts the participant on a thread of its own.
     *
     * @throws IllegalStateException naming a required setting that is missing
     */
    public Participant start() {
      require(commandTopic, "commandTopic(..)");
      require(groupId, "groupId(..)");
      require(registry, "schemaRegistry(..) or schemaRegistryUrl(..)");
      require(clientProperties.get("bootstrap.servers"), "bootstrapServers(..)");
      if (actions.isEmpty() && compensations.isEmpty() && anyCommand == null) {
        throw new IllegalStateException(
            "participant for "
                + commandTopic
                + " has no handler: register onAction(..), onCompensation(..) or onAnyCommand(..)");
      }
      if (mode == DeliveryMode.TRANSACTIONAL && transactionalId == null) {
        throw new IllegalStateException(
            "TRANSACTIONAL mode needs transactional(id): an id unique to this instance and stable"
                + " across its restarts");
      }
      String participantName = Optional.ofNullable(name).orElse(groupId);
      ClassLoader classes =
          Optional.ofNullable(classLoader)
              .or(
                  () ->
                      actions.keySet().stream()
                          .findFirst()
                          .or(() -> compensations.keySet().stream().findFirst())
                          .map(Class::getClassLoader))
              .orElse(Participant.class.getClassLoader());
      CommandLoop.Settings settings =
          new CommandLoop.Settings(
              participantName,
              commandTopic,
              Optional.ofNullable(deadLetterTopic).orElse(defaultDeadLetterTopic(commandTopic)),
              groupId,
              mode,
              Optional.ofNullable(transactionalId),
              Map.copyOf(clientProperties),
              Map.copyOf(consumerProperties),
              Map.copyOf(producerProperties),
              pollTimeout);
      CommandLoop loop =
          CommandLoop.create(
              settings,
              registry,
              autoRegister,
              classes,
              new Handlers(actions, compensations, Optional.ofNullable(anyCommand)),
              Optional.ofNullable(ledger).orElseGet(InMemoryCommandLedger::new),
              batchHook,
              clientsHook,
              clock,
              Optional.ofNullable(openTelemetry).orElseGet(GlobalOpenTelemetry::get));
      return new Participant(participantName, loop).begin();
    }

    @SuppressWarnings("unchecked") // The handler is only called with records of its type.
    private static <C extends SpecificRecord> void register(
        Map<Class<?>, CommandHandler<SpecificRecord>> handlers,
        Class<C> type,
        CommandHandler<C> handler,
        String kind) {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(handler, "handler");
      if (handlers.putIfAbsent(type, (CommandHandler<SpecificRecord>) handler) != null) {
        throw new IllegalArgumentException(
            "a " + kind + " handler for " + type.getName() + " is registered already");
      }
    }

    private static void require(Object value, String setter) {
      if (value == null) {
        throw new IllegalStateException("participant needs " + setter + " before start()");
      }
    }

    private static String requireText(String value, String what) {
      if (value == null || value.isBlank()) {
        throw new IllegalArgumentException(what + " must not be blank");
      }
      return value;
    }
  }
}
