package io.sagaflow.testkit.internals;

import io.sagaflow.contract.SagaStateRecord;
import io.sagaflow.embedded.TempDirs;
import io.sagaflow.engine.SagaRegistry;
import io.sagaflow.serde.InMemorySchemaRegistry;
import io.sagaflow.topology.DeadLetters;
import io.sagaflow.topology.SagaCounters;
import io.sagaflow.topology.SagaStreamsConfig;
import io.sagaflow.topology.SagaTopics;
import io.sagaflow.topology.SagaTopology;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The saga topology in a TopologyTestDriver with a fresh in-memory schema registry, fed and read as
 * bytes. The wall clock (the processor's only "now") starts at a fixed instant and moves only when
 * told, in increments of the punctuation interval, so timers fire when a live processor's
 * punctuator would. The one place the kit builds a driver: {@code ReplaySession} (fixtures) and
 * {@code SagaTestDriver} (typed tests) both stand on it.
 *
 * <p>Internal to the test kit: its shape may change without notice.
 */
public final class DrivenTopology implements AutoCloseable {
  private final String applicationId;
  private final InMemorySchemaRegistry schemas = new InMemorySchemaRegistry();
  private final SagaCounters counters = new SagaCounters();
  private final Duration interval;
  private final Path stateDir;
  private final TopologyTestDriver driver;
  private final Map<String, TestInputTopic<byte[], byte[]>> inputs = new HashMap<>();
  private final Map<String, TestOutputTopic<byte[], byte[]>> outputs = new HashMap<>();
  private Instant wallClock;

  /** A record the topology wrote, with the topic it went to. */
  public record Output(String topic, TestRecord<byte[], byte[]> record) {}

  /**
   * The topology of {@code sagas}, its wall clock at {@code start}, timers checked every {@code
   * punctuationInterval}; {@code applicationId} names its stores' changelogs.
   */
  public DrivenTopology(
      SagaRegistry sagas, Instant start, Duration punctuationInterval, String applicationId) {
    this.applicationId = applicationId;
    this.interval = punctuationInterval;
    this.wallClock = start;
    SagaTopology.Settings settings =
        new SagaTopology.Settings(
            schemas,
            true,
            new DeadLetters(SagaTopics.DLQ, schemas, true, counters),
            counters,
            punctuationInterval,
            SagaTopology.Settings.DEFAULT_TIMER_BUDGET,
            // No broker to measure catch-up against: the driver's inputs are all there is.
            Duration.ZERO,
            0,
            Duration.ZERO,
            // A test's clock jumps when it says so; a jump is not a stall of the processor.
            Duration.ZERO);
    stateDir = TempDirs.create(applicationId + "-");
    Map<String, Object> base =
        Map.of(
            StreamsConfig.APPLICATION_ID_CONFIG,
            applicationId,
            // Never contacted: the test driver has no broker.
            StreamsConfig.BOOTSTRAP_SERVERS_CONFIG,
            "127.0.0.1:9",
            StreamsConfig.STATE_DIR_CONFIG,
            stateDir.toString());
    driver =
        new TopologyTestDriver(
            SagaTopology.build(sagas, settings),
            SagaStreamsConfig.create(base, settings.deadLetters()),
            start);
  }

  /** The registry every record of this topology is framed with. */
  public InMemorySchemaRegistry schemas() {
    return schemas;
  }

  /** The saga processor's counters (inputs by verdict, dead letters, timers). */
  public SagaCounters counters() {
    return counters;
  }

  /** The wall clock now. */
  public Instant wallClock() {
    return wallClock;
  }

  /** Moves the wall clock by {@code by}, one punctuation interval at a time. */
  public void advance(Duration by) {
    Duration left = by;
    while (!left.isZero()) {
      Duration tick = left.compareTo(interval) < 0 ? left : interval;
      driver.advanceWallClockTime(tick);
      wallClock = wallClock.plus(tick);
      left = left.minus(tick);
    }
  }

  /** Whether the topology reads {@code topic}: saga.requests and saga.replies. */
  public static boolean isInput(String topic) {
    return topic.equals(SagaTopics.REQUESTS) || topic.equals(SagaTopics.REPLIES);
  }

  /** Writes {@code record} to {@code topic} and lets the topology process it. */
  public void pipe(String topic, TestRecord<byte[], byte[]> record) {
    if (!isInput(topic)) {
      throw new IllegalArgumentException(
          "'" + topic + "' is not an input of the saga topology; inputs go to " + inputsText());
    }
    inputs
        .computeIfAbsent(
            topic,
            t -> driver.createInputTopic(t, new ByteArraySerializer(), new ByteArraySerializer()))
        .pipeInput(record);
  }

  /**
   * Everything written since the last call, by topic name, then in write order. Changelogs are left
   * out: they are the stores' storage, not outputs any participant or consumer sees.
   */
  public List<Output> drain() {
    List<Output> out = new ArrayList<>();
    for (String topic : new TreeSet<>(driver.producedTopicNames())) {
      if (topic.startsWith(applicationId + "-")) {
        continue;
      }
      TestOutputTopic<byte[], byte[]> reader =
          outputs.computeIfAbsent(
              topic,
              t ->
                  driver.createOutputTopic(
                      t, new ByteArrayDeserializer(), new ByteArrayDeserializer()));
      for (TestRecord<byte[], byte[]> record : reader.readRecordsToList()) {
        out.add(new Output(topic, record));
      }
    }
    return out;
  }

  /** The stored state of saga {@code sagaId}, empty if it has none. */
  public Optional<SagaStateRecord> state(String sagaId) {
    return Optional.ofNullable(
        driver.<String, SagaStateRecord>getKeyValueStore(SagaTopology.STATE_STORE).get(sagaId));
  }

  private static String inputsText() {
    return SagaTopics.REQUESTS + " or " + SagaTopics.REPLIES;
  }

  @Override
  public void close() {
    try {
      driver.close();
    } finally {
      TempDirs.delete(stateDir);
    }
  }
}
