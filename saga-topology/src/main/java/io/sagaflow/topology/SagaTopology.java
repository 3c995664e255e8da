package io.sagaflow.topology;

import io.opentelemetry.api.OpenTelemetry;
import io.sagaflow.contract.SagaStateRecord;
import io.sagaflow.contract.StepReply;
import io.sagaflow.engine.DefinitionResolver;
import io.sagaflow.engine.SagaRegistry;
import io.sagaflow.serde.SchemaRegistry;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * Builds the saga processor's Kafka Streams topology. Every node and store has an explicit name, so
 * changelog topics keep their names across releases:
 *
 * <pre>
 * source-requests ─► place-requests ─► decode-requests ──────────────────────┐
 *                       └─► sink-requests-moved (back to saga.requests)      │
 * source-replies ─► place-replies ─► decode-replies ─► reply-router ─► coordinator ─► sink-&lt;topic&gt;
 *                       └─► sink-replies-moved          └─► sink-replies-rekeyed   ├─► sink-events
 *                           (back to saga.replies)          (back to saga.replies) └─► sink-dlq
 * coordinator stores: saga-state, saga-index (RocksDB, changelog);
 *                     saga-timers (in memory, no changelog: rebuilt from saga-state at task start)
 *
 * source-dlq (saga.dlq) ─► record-dead-letters     store: saga-dead-letters (RocksDB, changelog)
 *
 * rollouts (saga.rollouts, saga.rollout.requests, saga.events): see {@link RolloutTopology}
 * </pre>
 */
public final class SagaTopology {
  /** The saga state store: saga id to {@link SagaStateRecord}. */
  public static final String STATE_STORE = "saga-state";

  /**
   * The timer store, ordered by due time. It has no changelog: every timer is also in its saga's
   * state, so {@link TimerRebuild} derives the store from the unfinished sagas when a task starts.
   */
  public static final String TIMER_STORE = "saga-timers";

  /** The stores built without a changelog: whoever creates changelog topics leaves these out. */
  public static final Set<String> UNLOGGED_STORES = Set.of(TIMER_STORE);

  /**
   * The search index: status, type and creation time to saga id, kept by the coordinator beside
   * {@link #STATE_STORE}; see {@link SagaIndex}.
   */
  public static final String INDEX_STORE = "saga-index";

  /** Each saga's records in saga.dlq, without their original bytes; see {@link DeadLetterEntry}. */
  public static final String DEAD_LETTER_STORE = "saga-dead-letters";

  static final String SOURCE_DLQ = "source-dlq";
  static final String DEAD_LETTER_RECORDER = "record-dead-letters";
  static final String SOURCE_REQUESTS = "source-requests";
  static final String SOURCE_REPLIES = "source-replies";
  static final String PLACE_REQUESTS = "place-requests";
  static final String PLACE_REPLIES = "place-replies";
  static final String SINK_REQUESTS_MOVED = "sink-requests-moved";
  static final String SINK_REPLIES_MOVED = "sink-replies-moved";
  static final String DECODE_REQUESTS = "decode-requests";
  static final String DECODE_REPLIES = "decode-replies";
  static final String REPLY_ROUTER = "reply-router";
  static final String COORDINATOR = "coordinator";
  static final String SINK_EVENTS = "sink-events";
  static final String SINK_DLQ = "sink-dlq";
  static final String SINK_REKEY = "sink-replies-rekeyed";

  private SagaTopology() {}

  /**
   * Builds the topology for the sagas in {@code registry}.
   *
   * @param settings schema registry, shared helpers and timer settings
   */
  public static Topology build(SagaRegistry registry, Settings settings) {
    SchemaRegistry schemas = settings.schemaRegistry();
    boolean autoRegister = settings.autoRegister();

    DefinitionResolver definitions = new DefinitionResolver(registry);
    DecisionTracer tracer = new DecisionTracer(settings.openTelemetry());
    Map<String, String> commandSinks = new LinkedHashMap<>();
    SagaTopics.commandTopics(registry).forEach(t -> commandSinks.put(t, "sink-" + t));
    CoordinatorWiring wiring =
        new CoordinatorWiring(
            STATE_STORE,
            TIMER_STORE,
            INDEX_STORE,
            SagaTopics.REPLIES,
            SINK_EVENTS,
            RolloutTopology.SINK_OBSERVATIONS,
            SINK_DLQ,
            commandSinks,
            new DataCodec(schemas, settings.autoRegister(), SagaClassLoader.of(registry)),
            settings.deadLetters(),
            settings.counters(),
            settings.punctuationInterval(),
            settings.timerBudget(),
            List.of(SagaTopics.REQUESTS, SagaTopics.REPLIES),
            settings.catchUpLimit(),
            settings.busyThreshold(),
            settings.busyLimit(),
            settings.stallThreshold());

    Topology topology = new Topology();
    topology.addSource(
        SOURCE_REQUESTS,
        new StringDeserializer(),
        new ByteArrayDeserializer(),
        SagaTopics.REQUESTS);
    topology.addSource(
        SOURCE_REPLIES, new StringDeserializer(), new ByteArrayDeserializer(), SagaTopics.REPLIES);
    int partitions = settings.inputPartitions();
    topology.addProcessor(
        PLACE_REQUESTS,
        () ->
            new PartitionMover(
                partitions, false, DECODE_REQUESTS, SINK_REQUESTS_MOVED, settings.counters()),
        SOURCE_REQUESTS);
    topology.addProcessor(
        PLACE_REPLIES,
        () ->
            new PartitionMover(
                partitions, true, DECODE_REPLIES, SINK_REPLIES_MOVED, settings.counters()),
        SOURCE_REPLIES);
    topology.addProcessor(
        DECODE_REQUESTS,
        () ->
            new InputDecoder(
                SagaTopics.REQUEST_RECORDS.deserializer(schemas),
                SagaTopics.REQUEST_TYPES,
                COORDINATOR),
        PLACE_REQUESTS);
    topology.addProcessor(
        DECODE_REPLIES,
        () ->
            new InputDecoder(
                SagaTopics.REPLY_RECORDS.deserializer(schemas),
                List.of(StepReply.class),
                REPLY_ROUTER),
        PLACE_REPLIES);
    // Moved inputs go back raw: their bytes and headers are the producer's, untouched.
    topology.addSink(
        SINK_REQUESTS_MOVED,
        SagaTopics.REQUESTS,
        new StringSerializer(),
        new ByteArraySerializer(),
        OwningPartition.<byte[]>partitioner(),
        PLACE_REQUESTS);
    topology.addSink(
        SINK_REPLIES_MOVED,
        SagaTopics.REPLIES,
        new StringSerializer(),
        new ByteArraySerializer(),
        OwningPartition.<byte[]>partitioner(),
        PLACE_REPLIES);
    topology.addProcessor(
        REPLY_ROUTER, () -> new ReplyRouter(COORDINATOR, SINK_REKEY), DECODE_REPLIES);
    topology.addProcessor(
        COORDINATOR,
        () -> new SagaCoordinator(definitions, wiring, tracer, settings.retention()),
        DECODE_REQUESTS,
        REPLY_ROUTER);
    // The state store is cached: the writes one commit makes to a key reach the changelog as one
    // record at the commit (a saga's several decisions in one commit interval), in the same
    // transaction as before, and a saga read back soon after its last decision skips RocksDB. The
    // index is not: search reads it with range queries, which Kafka Streams serves from RocksDB
    // only, so a cached index would hide a new saga from search until the next commit.
    topology.addStateStore(
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(STATE_STORE),
                Serdes.String(),
                // The store is ours alone, so its schema is always registered, whatever the
                // setting.
                SagaTopics.STATE_RECORDS.serde(schemas, true))
            .withCachingEnabled(),
        COORDINATOR);
    // Two changelog records (schedule, cancel) per step bought nothing the saga's state does not
    // already hold; the store is rebuilt from the state instead, and is a plain map (TimerStore).
    topology.addStateStore(TimerStore.builder(TIMER_STORE), COORDINATOR);

    topology.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(INDEX_STORE), Serdes.Bytes(), Serdes.ByteArray()),
        COORDINATOR);
    addDeadLetterStore(topology, settings);
    RolloutTopology.add(topology, registry, schemas, autoRegister);

    commandSinks.forEach(
        (topic, sink) ->
            topology.addSink(
                sink,
                topic,
                new StringSerializer(),
                SagaTopics.commandRecords(topic).serializer(schemas, autoRegister),
                COORDINATOR));
    topology.addSink(
        SINK_EVENTS,
        SagaTopics.EVENTS,
        new StringSerializer(),
        SagaTopics.EVENT_RECORDS.serializer(schemas, autoRegister),
        COORDINATOR);
    topology.addSink(
        SINK_DLQ,
        settings.deadLetters().topic(),
        new StringSerializer(),
        SagaTopics.DEAD_LETTER_RECORDS.serializer(schemas, autoRegister),
        COORDINATOR);
    topology.addSink(
        SINK_REKEY,
        SagaTopics.REPLIES,
        new StringSerializer(),
        SagaTopics.REPLY_RECORDS.serializer(schemas, autoRegister),
        OwningPartition.partitioner(),
        REPLY_ROUTER);
    return topology;
  }

  /**
   * A sub-topology of its own: it reads back every dead letter, whoever wrote it (the coordinator
   * for failed timers, the exception handlers for rejected inputs), and keys it by saga.
   */
  private static void addDeadLetterStore(Topology topology, Settings settings) {
    String deadLetterTopic = settings.deadLetters().topic();
    topology.addSource(
        SOURCE_DLQ, new ByteArrayDeserializer(), new ByteArrayDeserializer(), deadLetterTopic);
    topology.addProcessor(
        DEAD_LETTER_RECORDER,
        () ->
            new DeadLetterRecorder(
                SagaTopics.DEAD_LETTER_RECORDS.deserializer(settings.schemaRegistry()),
                DEAD_LETTER_STORE,
                settings.counters(),
                settings.retention()),
        SOURCE_DLQ);
    topology.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(DEAD_LETTER_STORE), Serdes.Bytes(), Serdes.ByteArray()),
        DEAD_LETTER_RECORDER);
  }

  /**
   * What the topology needs besides the saga definitions.
   *
   * @param schemaRegistry where record schemas are registered and looked up
   * @param autoRegister whether outbound schemas are registered on first use (off in production)
   * @param deadLetters the shared dead-letter builder, also handed to the exception handlers
   * @param counters the shared counters
   * @param punctuationInterval how often due timers are scanned (wall-clock)
   * @param timerBudget how many timers one scan fires at most, so a backlog cannot stall a commit
   * @param catchUpLimit how long, at most, a task that starts holds its due timers until its inputs
   *     have caught up (see {@link InputCatchUp}); zero holds nothing, for test drivers without a
   *     broker
   * @param busyThreshold how many sagas of one task waiting on participants make it busy, so that
   *     its step timeouts wait instead of firing (see {@link BusyTimeouts}); zero never holds them
   * @param busyLimit how long past its due time, at most, a busy task holds a timeout
   * @param stallThreshold how much longer than the scan interval a gap between two timer scans must
   *     be to count as a stall that action and compensation timeouts do not count (see {@link
   *     Stalls}); zero counts none, for test drivers whose clock jumps
   * @param inputPartitions how many partitions saga.requests and saga.replies each have (they are
   *     co-partitioned), so that an input on a partition that does not own its saga id is moved to
   *     the one that does (see {@link PartitionMover}); 1 checks nothing, as on a single partition
   *     every input is where it belongs
   * @param openTelemetry where the coordinator's spans go; {@link OpenTelemetry#noop()} traces
   *     nothing and leaves every record as without tracing
   * @param retention how long finished sagas and dead letters stay in the stores; {@link
   *     Retention#OFF} keeps them forever, what test drivers and fixtures run with
   */
  public record Settings(
      SchemaRegistry schemaRegistry,
      boolean autoRegister,
      DeadLetters deadLetters,
      SagaCounters counters,
      Duration punctuationInterval,
      int timerBudget,
      Duration catchUpLimit,
      int busyThreshold,
      Duration busyLimit,
      Duration stallThreshold,
      int inputPartitions,
      OpenTelemetry openTelemetry,
      Retention retention) {
    /** Default scan interval: timers fire at most this late. */
    public static final Duration DEFAULT_PUNCTUATION_INTERVAL = Duration.ofMillis(200);

    /** Default number of timers one scan fires. */
    public static final int DEFAULT_TIMER_BUDGET = 1000;

    /** Default longest hold of due timers while a starting task's inputs catch up. */
    public static final Duration DEFAULT_CATCH_UP_LIMIT = Duration.ofSeconds(60);

    /** Default number of sagas waiting on participants that makes a task busy. */
    public static final int DEFAULT_BUSY_THRESHOLD = 1000;

    /** Default longest hold of a timeout past its due time while its task is busy. */
    public static final Duration DEFAULT_BUSY_LIMIT = Duration.ofMinutes(5);

    /** Default gap beyond the scan interval that counts as a stall. */
    public static final Duration DEFAULT_STALL_THRESHOLD = Duration.ofSeconds(2);

    /** Rejects missing parts and non-positive limits. */
    public Settings {
      Objects.requireNonNull(schemaRegistry, "schemaRegistry");
      Objects.requireNonNull(deadLetters, "deadLetters");
      Objects.requireNonNull(counters, "counters");
      Objects.requireNonNull(punctuationInterval, "punctuationInterval");
      if (punctuationInterval.isNegative() || punctuationInterval.isZero()) {
        throw new IllegalArgumentException("punctuationInterval must be positive");
      }
      if (timerBudget <= 0) {
        throw new IllegalArgumentException("timerBudget must be positive");
      }
      Objects.requireNonNull(catchUpLimit, "catchUpLimit");
      if (catchUpLimit.isNegative()) {
        throw new IllegalArgumentException("catchUpLimit must not be negative");
      }
      if (busyThreshold < 0) {
        throw new IllegalArgumentException("busyThreshold must not be negative");
      }
      Objects.requireNonNull(busyLimit, "busyLimit");
      if (busyLimit.isNegative()) {
        throw new IllegalArgumentException("busyLimit must not be negative");
      }
      Objects.requireNonNull(stallThreshold, "stallThreshold");
      if (stallThreshold.isNegative()) {
        throw new IllegalArgumentException("stallThreshold must not be negative");
      }
      if (inputPartitions < 1) {
        throw new IllegalArgumentException("inputPartitions must be positive");
      }
      Objects.requireNonNull(openTelemetry, "openTelemetry");
      Objects.requireNonNull(retention, "retention");
    }

    /** Settings that keep every saga and dead letter forever. */
    public Settings(
        SchemaRegistry schemaRegistry,
        boolean autoRegister,
        DeadLetters deadLetters,
        SagaCounters counters,
        Duration punctuationInterval,
        int timerBudget,
        Duration catchUpLimit,
        int busyThreshold,
        Duration busyLimit,
        Duration stallThreshold,
        int inputPartitions,
        OpenTelemetry openTelemetry) {
      this(
          schemaRegistry,
          autoRegister,
          deadLetters,
          counters,
          punctuationInterval,
          timerBudget,
          catchUpLimit,
          busyThreshold,
          busyLimit,
          stallThreshold,
          inputPartitions,
          openTelemetry,
          Retention.OFF);
    }

    /**
     * Settings for input topics of one partition each, where no input can be misplaced: what
     * TopologyTestDriver runs with.
     */
    public Settings(
        SchemaRegistry schemaRegistry,
        boolean autoRegister,
        DeadLetters deadLetters,
        SagaCounters counters,
        Duration punctuationInterval,
        int timerBudget,
        Duration catchUpLimit,
        int busyThreshold,
        Duration busyLimit,
        Duration stallThreshold) {
      this(
          schemaRegistry,
          autoRegister,
          deadLetters,
          counters,
          punctuationInterval,
          timerBudget,
          catchUpLimit,
          busyThreshold,
          busyLimit,
          stallThreshold,
          1);
    }

    /** Settings that trace nothing, for input topics of {@code inputPartitions} partitions each. */
    public Settings(
        SchemaRegistry schemaRegistry,
        boolean autoRegister,
        DeadLetters deadLetters,
        SagaCounters counters,
        Duration punctuationInterval,
        int timerBudget,
        Duration catchUpLimit,
        int busyThreshold,
        Duration busyLimit,
        Duration stallThreshold,
        int inputPartitions) {
      this(
          schemaRegistry,
          autoRegister,
          deadLetters,
          counters,
          punctuationInterval,
          timerBudget,
          catchUpLimit,
          busyThreshold,
          busyLimit,
          stallThreshold,
          inputPartitions,
          OpenTelemetry.noop());
    }

    /** These settings for input topics of {@code partitions} partitions each. */
    public Settings withInputPartitions(int partitions) {
      return new Settings(
          schemaRegistry,
          autoRegister,
          deadLetters,
          counters,
          punctuationInterval,
          timerBudget,
          catchUpLimit,
          busyThreshold,
          busyLimit,
          stallThreshold,
          partitions,
          openTelemetry,
          retention);
    }

    /** These settings with the coordinator's spans going to {@code tracing}. */
    public Settings withOpenTelemetry(OpenTelemetry tracing) {
      return new Settings(
          schemaRegistry,
          autoRegister,
          deadLetters,
          counters,
          punctuationInterval,
          timerBudget,
          catchUpLimit,
          busyThreshold,
          busyLimit,
          stallThreshold,
          inputPartitions,
          tracing,
          retention);
    }

    /** These settings with finished sagas and dead letters kept for {@code kept}. */
    public Settings withRetention(Retention kept) {
      return new Settings(
          schemaRegistry,
          autoRegister,
          deadLetters,
          counters,
          punctuationInterval,
          timerBudget,
          catchUpLimit,
          busyThreshold,
          busyLimit,
          stallThreshold,
          inputPartitions,
          openTelemetry,
          kept);
    }

    /**
     * Settings with the default timer interval, budget and catch-up limit, for a real broker. They
     * check no input's partition: give the input topics' partition count with {@link
     * #withInputPartitions} when producers may use another partitioner than Kafka's default.
     */
    public static Settings of(
        SchemaRegistry schemaRegistry, boolean autoRegister, SagaCounters counters) {
      return new Settings(
          schemaRegistry,
          autoRegister,
          new DeadLetters(SagaTopics.DLQ, schemaRegistry, autoRegister, counters),
          counters,
          DEFAULT_PUNCTUATION_INTERVAL,
          DEFAULT_TIMER_BUDGET,
          DEFAULT_CATCH_UP_LIMIT,
          DEFAULT_BUSY_THRESHOLD,
          DEFAULT_BUSY_LIMIT,
          DEFAULT_STALL_THRESHOLD);
    }
  }
}
