package io.sagaflow.topology;

import io.sagaflow.contract.CancelSaga;
import io.sagaflow.contract.OperatorAction;
import io.sagaflow.contract.OperatorCommand;
import io.sagaflow.contract.OrderFulfilmentData;
import io.sagaflow.contract.OrderLine;
import io.sagaflow.contract.PostalAddress;
import io.sagaflow.contract.SagaEvent;
import io.sagaflow.contract.SagaStateRecord;
import io.sagaflow.contract.StartSaga;
import io.sagaflow.contract.StepOutcome;
import io.sagaflow.contract.StepReply;
import io.sagaflow.engine.SagaRegistry;
import io.sagaflow.example.OrderFulfilmentSaga;
import io.sagaflow.serde.AvroDeserializer;
import io.sagaflow.serde.AvroSerdeConfig;
import io.sagaflow.serde.AvroSerializer;
import io.sagaflow.serde.InMemorySchemaRegistry;
import io.sagaflow.serde.SagaHeaders;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
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
  final SagaCounters counters = new SagaCounters();
  final TopologyTestDriver driver;
  final DataCodec data = new DataCodec(schemas, true);
  private final AvroSerializer<SpecificRecord> valueSerializer =
      new AvroSerializer<>(schemas, AvroSerdeConfig.recordName().withAutoRegister(true));
  private final TestInputTopic<String, SpecificRecord> requests;
  private final TestInputTopic<String, SpecificRecord> replies;
  private final TestInputTopic<byte[], byte[]> rawRequests;
  private final Map<String, TestOutputTopic<String, SpecificRecord>> commandTopics =
      new HashMap<>();
  private final TestOutputTopic<String, SpecificRecord> events;
  private final TestOutputTopic<byte[], byte[]> dlq;
  private final List<TestRecord<String, SpecificRecord>> seenEvents = new ArrayList<>();

  SagaDriver() {
    this(SagaRegistry.of(OrderFulfilmentSaga.definition()));
  }

  SagaDriver(SagaRegistry registry) {
    SagaTopology.Settings settings = SagaTopology.Settings.of(schemas, true, counters);
    Properties props =
        SagaStreamsConfig.create(
            Map.of(
                StreamsConfig.APPLICATION_ID_CONFIG, "saga-test",
                StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092",
                StreamsConfig.STATE_DIR_CONFIG,
                    System.getProperty("java.io.tmpdir") + "/saga-ttd-" + System.nanoTime()),
            settings.deadLetters());
    driver = new TopologyTestDriver(SagaTopology.build(registry, settings), props, T0);
    requests =
        driver.createInputTopic(SagaTopics.REQUESTS, new StringSerializer(), valueSerializer);
    replies = driver.createInputTopic(SagaTopics.REPLIES, new StringSerializer(), valueSerializer);
    rawRequests =
        driver.createInputTopic(
            SagaTopics.REQUESTS, new ByteArraySerializer(), new ByteArraySerializer());
    for (String topic : SagaTopics.commandTopics(registry)) {
      commandTopics.put(
          topic,
          driver.createOutputTopic(
              topic, new StringDeserializer(), AvroDeserializer.anySpecific(schemas)));
    }
    events =
        driver.createOutputTopic(
            SagaTopics.EVENTS, new StringDeserializer(), AvroDeserializer.anySpecific(schemas));
    dlq =
        driver.createOutputTopic(
            SagaTopics.DLQ, new ByteArrayDeserializer(), new ByteArrayDeserializer());
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

  void start(String sagaId) {
    start(
        sagaId,
        order("order-" + sagaId),
        Optional.of("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"));
  }

  void start(String sagaId, OrderFulfilmentData data, Optional<String> traceparent) {
    StartSaga request =
        StartSaga.newBuilder()
            .setSagaType(OrderFulfilmentSaga.TYPE)
            .setData(ByteBuffer.wrap(this.data.encode(data)))
            .setRequestedAt(now())
            .build();
    Headers headers = new RecordHeaders();
    traceparent.ifPresent(
        tp -> headers.add(SagaHeaders.TRACEPARENT, tp.getBytes(StandardCharsets.UTF_8)));
    requests.pipeInput(new TestRecord<>(sagaId, request, headers, now()));
  }

  void cancel(String sagaId, String reason) {
    requests.pipeInput(sagaId, new CancelSaga(reason), now());
  }

  void operator(String sagaId, OperatorAction action, String step) {
    requests.pipeInput(sagaId, new OperatorCommand(action, step, "ops@example.org", "test"), now());
  }

  void pipeRawRequest(byte[] key, byte[] value) {
    rawRequests.pipeInput(key, value, now());
  }

  /** The commands emitted on {@code topic} since the last call. */
  List<Command> commands(String topic) {
    List<Command> out = new ArrayList<>();
    for (TestRecord<String, SpecificRecord> r : commandTopics.get(topic).readRecordsToList()) {
      out.add(new Command(r));
    }
    return out;
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
        StepReply.newBuilder()
            .setStep(command.step())
            .setAttempt(command.attempt())
            .setCommandId(command.commandId())
            .setOutcome(outcome)
            .setErrorCode(code)
            .setErrorMessage(message)
            .setStepResult(result.map(r -> ByteBuffer.wrap(data.encode(r))).orElse(null))
            .build();
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

  /** Lifecycle events read since the driver started, oldest first. */
  List<SagaEvent> events() {
    for (TestRecord<String, SpecificRecord> r : events.readRecordsToList()) {
      seenEvents.add(r);
    }
    return seenEvents.stream().map(r -> (SagaEvent) r.value()).toList();
  }

  List<TestRecord<byte[], byte[]>> deadLetters() {
    return dlq.readRecordsToList();
  }

  Optional<SagaStateRecord> state(String sagaId) {
    KeyValueStore<String, SagaStateRecord> store =
        driver.getKeyValueStore(SagaTopology.STATE_STORE);
    return Optional.ofNullable(store.get(sagaId));
  }

  String status(String sagaId) {
    return state(sagaId).map(SagaStateRecord::getStatus).orElse("ABSENT");
  }

  @Override
  public void close() {
    driver.close();
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
