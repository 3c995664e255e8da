package io.sagaflow.topology;

import io.opentelemetry.api.OpenTelemetry;
import io.sagaflow.contract.CancelSaga;
import io.sagaflow.contract.DeadLetter;
import io.sagaflow.contract.OperatorAction;
import io.sagaflow.contract.OperatorCommand;
import io.sagaflow.contract.SagaEvent;
import io.sagaflow.contract.SagaStateRecord;
import io.sagaflow.contract.StartSaga;
import io.sagaflow.contract.StepOutcome;
import io.sagaflow.contract.StepReply;
import io.sagaflow.embedded.TempDirs;
import io.sagaflow.engine.RetryPolicy;
import io.sagaflow.engine.SagaDefinition;
import io.sagaflow.engine.SagaRegistry;
import io.sagaflow.engine.StepKind;
import io.sagaflow.examples.order.OrderFulfilmentData;
import io.sagaflow.examples.order.OrderFulfilmentSaga;
import io.sagaflow.examples.order.OrderLine;
import io.sagaflow.examples.order.PostalAddress;
import io.sagaflow.serde.AvroDeserializer;
import io.sagaflow.serde.AvroSerdeConfig;
import io.sagaflow.serde.AvroSerializer;
import io.sagaflow.serde.CompatibilityResult;
import io.sagaflow.serde.InMemorySchemaRegistry;
import io.sagaflow.serde.RegisteredSchema;
import io.sagaflow.serde.RegistryFailures;
import io.sagaflow.serde.SagaEventFacts;
import io.sagaflow.serde.SagaHeaders;
import io.sagaflow.serde.SchemaRegistry;
import io.sagaflow.testkit.internals.ContractRecords;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Function;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;

/**
 * A saga processor in a TopologyTestDriver with the example saga, plus the moves of its
 * participants: read the commands a step emitted and answer them. Wall-clock time only moves when a
 * test says so, which makes timer behaviour exact.
 */
final class SagaDriver implements AutoCloseable {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  final InMemorySchemaRegistry schemas = new InMemorySchemaRegistry();

  /** The registry the topology talks to: {@link #schemas}, unless a test takes it down. */
  private final OutageRegistry topologyRegistry = new OutageRegistry(schemas);

  final SagaCounters counters = new SagaCounters();
  final TopologyTestDriver driver;
  private final Path stateDir = TempDirs.create("saga-ttd-");
  final DataCodec data = new DataCodec(schemas, true);
  private final AvroSerializer<SpecificRecord> valueSerializer =
      new AvroSerializer<>(schemas, AvroSerdeConfig.recordName().withAutoRegister(true));
  private final TestInputTopic<String, SpecificRecord> requests;
  private final TestInputTopic<String, SpecificRecord> replies;
  private final TestInputTopic<byte[], byte[]> rawRequests;
  private final TestInputTopic<byte[], byte[]> rawDeadLetters;
  private final TestInputTopic<byte[], byte[]> rawReplies;
  private final AvroDeserializer<SpecificRecord> valueDeserializer;
  private final Map<String, TestOutputTopic<byte[], byte[]>> outputs = new HashMap<>();
  private final List<String> transcript = new ArrayList<>();
  private final List<TestRecord<String, SpecificRecord>> seenEvents = new ArrayList<>();

  SagaDriver() {
    this(SagaRegistry.of(OrderFulfilmentSaga.definition()));
  }

  SagaDriver(SagaRegistry registry) {
    this(registry, SagaTopology.Settings.DEFAULT_TIMER_BUDGET);
  }

  /** A driver whose punctuation fires at most {@code timerBudget} timers. */
  SagaDriver(SagaRegistry registry, int timerBudget) {
    this(registry, timerBudget, 0);
  }

  /**
   * A driver whose punctuation fires at most {@code timerBudget} timers, and whose tasks hold
   * timeouts while {@code busyThreshold} sagas wait on participants (0: never).
   */
  SagaDriver(SagaRegistry registry, int timerBudget, int busyThreshold) {
    this(registry, timerBudget, busyThreshold, Duration.ZERO);
  }

  /**
   * As {@link #SagaDriver(SagaRegistry, int, int)}, and a jump of the wall clock longer than the
   * scan interval plus {@code stallThreshold} is a stall (zero: none is).
   */
  SagaDriver(SagaRegistry registry, int timerBudget, int busyThreshold, Duration stallThreshold) {
    this(
        registry,
        timerBudget,
        busyThreshold,
        stallThreshold,
        1,
        OpenTelemetry.noop(),
        Retention.OFF);
  }

  /** The example saga in a processor that keeps finished sagas and dead letters as {@code kept}. */
  static SagaDriver withRetention(Retention kept) {
    return new SagaDriver(
        SagaRegistry.of(OrderFulfilmentSaga.definition()),
        SagaTopology.Settings.DEFAULT_TIMER_BUDGET,
        0,
        Duration.ZERO,
        1,
        OpenTelemetry.noop(),
        kept);
  }

  /**
   * The example saga in a processor that believes its input topics have {@code inputPartitions}
   * partitions. The driver itself has one, partition 0, so an input whose saga id another partition
   * owns is misplaced.
   */
  static SagaDriver withInputPartitions(int inputPartitions) {
    return new SagaDriver(
        SagaRegistry.of(OrderFulfilmentSaga.definition()),
        SagaTopology.Settings.DEFAULT_TIMER_BUDGET,
        0,
        Duration.ZERO,
        inputPartitions,
        OpenTelemetry.noop(),
        Retention.OFF);
  }

  /** The example saga in a processor whose spans go to {@code tracing}. */
  static SagaDriver traced(OpenTelemetry tracing) {
    return new SagaDriver(
        SagaRegistry.of(OrderFulfilmentSaga.definition()),
        SagaTopology.Settings.DEFAULT_TIMER_BUDGET,
        0,
        Duration.ZERO,
        1,
        tracing,
        Retention.OFF);
  }

  private SagaDriver(
      SagaRegistry registry,
      int timerBudget,
      int busyThreshold,
      Duration stallThreshold,
      int inputPartitions,
      OpenTelemetry tracing,
      Retention retention) {
    SagaTopology.Settings settings =
        new SagaTopology.Settings(
            topologyRegistry,
            true,
            new DeadLetters(SagaTopics.DLQ, topologyRegistry, true, counters),
            counters,
            SagaTopology.Settings.DEFAULT_PUNCTUATION_INTERVAL,
            timerBudget,
            Duration.ZERO,
            busyThreshold,
            SagaTopology.Settings.DEFAULT_BUSY_LIMIT,
            stallThreshold,
            inputPartitions,
            tracing,
            retention);
    Properties props =
        SagaStreamsConfig.create(
            Map.of(
                StreamsConfig.APPLICATION_ID_CONFIG, "saga-test",
                StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092",
                StreamsConfig.STATE_DIR_CONFIG, stateDir.toString()),
            settings.deadLetters());
    driver = new TopologyTestDriver(SagaTopology.build(registry, settings), props, T0);
    requests =
        driver.createInputTopic(SagaTopics.REQUESTS, new StringSerializer(), valueSerializer);
    replies = driver.createInputTopic(SagaTopics.REPLIES, new StringSerializer(), valueSerializer);
    rawRequests =
        driver.createInputTopic(
            SagaTopics.REQUESTS, new ByteArraySerializer(), new ByteArraySerializer());
    rawDeadLetters =
        driver.createInputTopic(
            SagaTopics.DLQ, new ByteArraySerializer(), new ByteArraySerializer());
    rawReplies =
        driver.createInputTopic(
            SagaTopics.REPLIES, new ByteArraySerializer(), new ByteArraySerializer());
    valueDeserializer = AvroDeserializer.anySpecific(schemas);
  }

  static OrderFulfilmentData order(String orderId) {
    return OrderFulfilmentData.newBuilder()
        .setOrderId(orderId)
        .setCustomerId("c-1")
        .setCustomerEmail("ada@example.org")
        .setShippingAddress(
            PostalAddress.newBuilder()
                .setRecipient("Ada Lovelace")
                .setLine1("1 Analytical St")
                .setCity("London")
                .setPostalCode("N1")
                .setCountryCode("GB")
                .build())
        .setLines(List.of(new OrderLine("sku-1", 2)))
        .setAmount(new BigDecimal("42.50"))
        .setCurrency("EUR")
        .setPaymentToken("tok_secret")
        .build();
  }

  /** Step timeout of {@link #oneStepSaga}. */
  static final Duration ONE_STEP_TIMEOUT = Duration.ofSeconds(1);

  /**
   * A saga of {@code type} with one compensatable step, {@code reserve} on the inventory topic,
   * tried once with a one-second timeout; the step's command factories are the test's to choose.
   */
  static SagaDefinition<OrderFulfilmentData> oneStepSaga(
      String type,
      Function<OrderFulfilmentData, Object> action,
      Function<OrderFulfilmentData, Object> compensation) {
    return SagaDefinition.builder(type, 1, OrderFulfilmentData.class)
        .step(
            "reserve",
            OrderFulfilmentSaga.INVENTORY,
            StepKind.COMPENSATABLE,
            s ->
                s.action(action)
                    .compensation(compensation)
                    .timeout(ONE_STEP_TIMEOUT)
                    .retry(RetryPolicy.none()))
        .build();
  }

  void start(String sagaId) {
    start(
        sagaId,
        order("order-" + sagaId),
        Optional.of("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"));
  }

  void start(String sagaId, OrderFulfilmentData data, Optional<String> traceparent) {
    start(sagaId, OrderFulfilmentSaga.TYPE, Optional.empty(), data, traceparent);
  }

  /**
   * Requests a saga of {@code type} (at {@code version}, latest if empty) carrying {@code data}.
   */
  void start(
      String sagaId,
      String type,
      Optional<Integer> version,
      SpecificRecord data,
      Optional<String> traceparent) {
    StartSaga request = ContractRecords.startSaga(type, version, this.data.encode(data), now());
    Headers headers = new RecordHeaders();
    traceparent.ifPresent(
        tp -> headers.add(SagaHeaders.TRACEPARENT, tp.getBytes(StandardCharsets.UTF_8)));
    pipeRequest(sagaId, request, headers);
  }

  /** Any record onto saga.requests, as a producer with the Avro serializer would write it. */
  void pipeRequest(String key, SpecificRecord value, Headers headers) {
    requests.pipeInput(new TestRecord<>(key, value, headers, now()));
  }

  /** Any record onto saga.replies, as a participant with the Avro serializer would write it. */
  void pipeReply(String key, StepReply reply, Headers headers) {
    replies.pipeInput(new TestRecord<>(key, reply, headers, now()));
  }

  void cancel(String sagaId, String reason) {
    requests.pipeInput(sagaId, new CancelSaga(reason), now());
  }

  void operator(String sagaId, OperatorAction action, String step) {
    requests.pipeInput(sagaId, new OperatorCommand(action, step, "ops@example.org", "test"), now());
  }

  /** Makes every registry call of the topology fail as if the registry were unreachable. */
  void takeRegistryDown() {
    topologyRegistry.down = true;
  }

  void pipeRawRequest(byte[] key, byte[] value) {
    rawRequests.pipeInput(key, value, now());
  }

  /** Any bytes onto saga.replies, with {@code headers}. */
  void pipeRawReply(byte[] key, byte[] value, Headers headers) {
    rawReplies.pipeInput(new TestRecord<>(key, value, headers, now()));
  }

  /**
   * {@code value} in the wire format a producer with the Avro serializer writes to {@code topic}.
   */
  byte[] serialize(String topic, SpecificRecord value) {
    return valueSerializer.serialize(topic, value);
  }

  /** The commands emitted on {@code topic} since the last call. */
  List<Command> commands(String topic) {
    return readTyped(topic).stream().map(Command::new).toList();
  }

  /**
   * The records written to {@code topic} since the last read, as bytes; each is also added to the
   * transcript.
   */
  private List<TestRecord<byte[], byte[]>> read(String topic) {
    List<TestRecord<byte[], byte[]>> records =
        outputs
            .computeIfAbsent(
                topic,
                t ->
                    driver.createOutputTopic(
                        t, new ByteArrayDeserializer(), new ByteArrayDeserializer()))
            .readRecordsToList();
    for (TestRecord<byte[], byte[]> r : records) {
      StringBuilder line =
          new StringBuilder(topic)
              .append(' ')
              .append(Arrays.toString(r.key()))
              .append(" -> ")
              .append(Arrays.toString(r.value()))
              .append(" @")
              .append(r.timestamp());
      for (Header h : r.headers()) {
        line.append(' ').append(h.key()).append('=').append(Arrays.toString(h.value()));
      }
      transcript.add(line.toString());
    }
    return records;
  }

  private List<TestRecord<String, SpecificRecord>> readTyped(String topic) {
    return read(topic).stream()
        .map(
            r ->
                new TestRecord<>(
                    r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8),
                    valueDeserializer.deserialize(topic, r.headers(), r.value()),
                    r.headers(),
                    r.getRecordTime()))
        .toList();
  }

  /** The single command emitted on {@code topic} since the last call. */
  Command onlyCommand(String topic) {
    List<Command> all = commands(topic);
    if (all.size() != 1) {
      throw new AssertionError("Expected one command on " + topic + " but got " + all);
    }
    return all.get(0);
  }

  void succeed(Command command, SpecificRecord result) {
    reply(command, StepOutcome.SUCCEEDED, null, null, Optional.of(result), command.sagaId());
  }

  void succeedWithoutResult(Command command) {
    reply(command, StepOutcome.SUCCEEDED, null, null, Optional.empty(), command.sagaId());
  }

  void failBusiness(Command command, String code) {
    reply(
        command,
        StepOutcome.BUSINESS_FAILURE,
        code,
        "declined",
        Optional.empty(),
        command.sagaId());
  }

  void failRetriably(Command command, String code) {
    reply(
        command,
        StepOutcome.RETRIABLE_FAILURE,
        code,
        "try later",
        Optional.empty(),
        command.sagaId());
  }

  void reply(
      Command command,
      StepOutcome outcome,
      String code,
      String message,
      Optional<SpecificRecord> result,
      String key) {
    reply(command, outcome, code, message, result, key, command.sagaId());
  }

  void reply(
      Command command,
      StepOutcome outcome,
      String code,
      String message,
      Optional<SpecificRecord> result,
      String key,
      String subject) {
    StepReply reply =
        ContractRecords.stepReply(
            command.step(),
            command.attempt(),
            command.commandId(),
            outcome,
            Optional.ofNullable(code),
            Optional.ofNullable(message),
            result.map(data::encode));
    Headers headers = new RecordHeaders();
    headers.add(SagaHeaders.CE_SUBJECT, subject.getBytes(StandardCharsets.UTF_8));
    replies.pipeInput(new TestRecord<>(key, reply, headers, now()));
  }

  Instant now() {
    // The driver's wall clock is the processor's "now"; inputs carry it as their timestamp.
    return Instant.ofEpochMilli(T0.toEpochMilli() + elapsed);
  }

  private long elapsed;

  void tick(Duration duration) {
    elapsed += duration.toMillis();
    driver.advanceWallClockTime(duration);
  }

  /**
   * Lifecycle facts read since the driver started, oldest first: each saga.events record expanded
   * into the facts it reports.
   */
  List<SagaEvent> events() {
    return SagaEventFacts.ofAll(eventRecords().stream().map(r -> (SagaEvent) r.value()).toList());
  }

  /** The saga.events records read since the driver started, one per decision, oldest first. */
  List<TestRecord<String, SpecificRecord>> eventRecords() {
    seenEvents.addAll(readTyped(SagaTopics.EVENTS));
    return List.copyOf(seenEvents);
  }

  List<TestRecord<byte[], byte[]>> deadLetters() {
    return read(SagaTopics.DLQ);
  }

  /** The records written to {@code topic} since the last read, as bytes. */
  List<TestRecord<byte[], byte[]>> written(String topic) {
    return read(topic);
  }

  Optional<SagaStateRecord> state(String sagaId) {
    return Optional.ofNullable(stateStore().get(sagaId));
  }

  KeyValueStore<String, SagaStateRecord> stateStore() {
    return driver.getKeyValueStore(SagaTopology.STATE_STORE);
  }

  KeyValueStore<Bytes, byte[]> timerStore() {
    return driver.getKeyValueStore(SagaTopology.TIMER_STORE);
  }

  /** Any bytes onto saga.dlq, as a producer other than the processor might write them. */
  void pipeRawDeadLetter(byte[] value, Headers headers) {
    rawDeadLetters.pipeInput(new TestRecord<>(null, value, headers, now()));
  }

  /** Every entry of the saga-index store, in key order. */
  List<SagaIndex.Entry> indexEntries() {
    List<SagaIndex.Entry> entries = new ArrayList<>();
    KeyValueStore<Bytes, byte[]> index = driver.getKeyValueStore(SagaTopology.INDEX_STORE);
    try (KeyValueIterator<Bytes, byte[]> all = index.all()) {
      all.forEachRemaining(kv -> entries.add(SagaIndex.decode(kv.key, kv.value)));
    }
    return entries;
  }

  /** The dead letters the saga-dead-letters store keeps for {@code sagaId}, oldest first. */
  List<DeadLetterEntry> deadLetterEntries(String sagaId) {
    List<DeadLetterEntry> entries = new ArrayList<>();
    KeyValueStore<Bytes, byte[]> store = driver.getKeyValueStore(SagaTopology.DEAD_LETTER_STORE);
    try (KeyValueIterator<Bytes, byte[]> range =
        store.range(DeadLetterEntry.prefix(sagaId), DeadLetterEntry.prefixEnd(sagaId))) {
      range.forEachRemaining(kv -> entries.add(DeadLetterEntry.decode(kv.key, kv.value)));
    }
    return entries;
  }

  /** How many timers the timer store holds. */
  int timerCount() {
    int count = 0;
    try (KeyValueIterator<Bytes, byte[]> all = timerStore().all()) {
      for (; all.hasNext(); all.next()) {
        count++;
      }
    }
    return count;
  }

  DeadLetter decodeLetter(TestRecord<byte[], byte[]> letter) {
    return AvroDeserializer.specific(DeadLetter.class, schemas)
        .deserialize(SagaTopics.DLQ, letter.value());
  }

  static String header(TestRecord<?, ?> record, String name) {
    Header header = record.headers().lastHeader(name);
    if (header == null) {
      throw new AssertionError("record has no header " + name);
    }
    return new String(header.value(), StandardCharsets.UTF_8);
  }

  /**
   * Every record written to any topic so far, as serialized bytes (key, value, timestamp and
   * headers), in the order the test read them; records not read yet are read now.
   */
  List<String> transcript() {
    new java.util.TreeSet<>(driver.producedTopicNames()).forEach(this::read);
    return List.copyOf(transcript);
  }

  String status(String sagaId) {
    return state(sagaId).map(SagaStateRecord::getStatus).orElse("ABSENT");
  }

  @Override
  public void close() {
    try {
      driver.close();
    } finally {
      TempDirs.delete(stateDir);
    }
  }

  /** Delegates to a registry until a test takes it down; then every call fails as an outage. */
  private static final class OutageRegistry implements SchemaRegistry {
    private final SchemaRegistry delegate;
    private volatile boolean down;

    OutageRegistry(SchemaRegistry delegate) {
      this.delegate = delegate;
    }

    private SchemaRegistry up(String call) {
      if (down) {
        throw RegistryFailures.unreachable(call);
      }
      return delegate;
    }

    @Override
    public int register(String subject, Schema schema) {
      return up("register").register(subject, schema);
    }

    @Override
    public int idOf(String subject, Schema schema) {
      return up("idOf").idOf(subject, schema);
    }

    @Override
    public Schema schemaById(int id) {
      return up("schemaById").schemaById(id);
    }

    @Override
    public RegisteredSchema latest(String subject) {
      return up("latest").latest(subject);
    }

    @Override
    public List<String> subjects() {
      return up("subjects").subjects();
    }

    @Override
    public CompatibilityResult testCompatibility(String subject, Schema schema) {
      return up("testCompatibility").testCompatibility(subject, schema);
    }

    @Override
    public String compatibility(Optional<String> subject) {
      return up("compatibility").compatibility(subject);
    }

    @Override
    public void setCompatibility(Optional<String> subject, String level) {
      up("setCompatibility").setCompatibility(subject, level);
    }
  }

  /** A command as a participant sees it: payload plus correlation headers. */
  record Command(TestRecord<String, SpecificRecord> record) {
    String sagaId() {
      return record.key();
    }

    SpecificRecord payload() {
      return record.value();
    }

    String header(String name) {
      return Optional.ofNullable(record.headers().lastHeader(name))
          .map(h -> new String(h.value(), StandardCharsets.UTF_8))
          .orElseThrow(() -> new AssertionError("command has no header " + name));
    }

    String commandId() {
      return header(SagaHeaders.CE_ID);
    }

    String step() {
      return header(SagaHeaders.SAGA_STEP);
    }

    int attempt() {
      return Integer.parseInt(header(SagaHeaders.SAGA_ATTEMPT));
    }

    String kind() {
      return header(SagaHeaders.SAGA_KIND);
    }

    @Override
    public String toString() {
      return step() + ":" + kind() + "#" + attempt();
    }
  }
}
