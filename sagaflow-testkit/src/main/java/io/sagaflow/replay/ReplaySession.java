package io.sagaflow.replay;

import io.sagaflow.engine.SagaRegistry;
import io.sagaflow.serde.InMemorySchemaRegistry;
import io.sagaflow.topology.DeadLetters;
import io.sagaflow.topology.SagaCounters;
import io.sagaflow.topology.SagaStreamsConfig;
import io.sagaflow.topology.SagaTopics;
import io.sagaflow.topology.SagaTopology;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The saga topology in a TopologyTestDriver with a fresh in-memory schema registry, moved one step
 * at a time. The wall clock (the processor's only "now") starts at a fixed instant and moves only
 * when told, in increments of the punctuation interval, so timers fire when a live processor's
 * punctuator would. Scripts use it to run a scenario step by step; {@link Replayer} runs whole
 * fixtures through it.
 */
public final class ReplaySession implements AutoCloseable {
  private static final String APPLICATION_ID = "sagaflow-replay";
  private final InMemorySchemaRegistry schemas = new InMemorySchemaRegistry();
  private final PayloadCodec codec = new PayloadCodec(schemas);
  private final SagaCounters counters = new SagaCounters();
  private final Duration interval;
  private final Path stateDir;
  private final TopologyTestDriver driver;
  private final Map<String, TestInputTopic<byte[], byte[]>> inputs = new HashMap<>();
  private final Map<String, TestOutputTopic<byte[], byte[]>> outputs = new HashMap<>();
  private Instant wallClock;

  /** A session over {@code sagas}, its wall clock at {@code start}. */
  public ReplaySession(SagaRegistry sagas, Instant start, Duration punctuationInterval) {
    this.interval = punctuationInterval;
    this.wallClock = start;
    SagaTopology.Settings settings =
        new SagaTopology.Settings(
            schemas,
            true,
            new DeadLetters(SagaTopics.DLQ, schemas, true, counters),
            counters,
            punctuationInterval,
            SagaTopology.Settings.DEFAULT_TIMER_BUDGET);
    try {
      stateDir = Files.createTempDirectory("sagaflow-replay-");
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create a state directory for the replay", e);
    }
    Map<String, Object> base =
        Map.of(
            StreamsConfig.APPLICATION_ID_CONFIG,
            APPLICATION_ID,
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

  /** The wall clock now. */
  public Instant wallClock() {
    return wallClock;
  }

  /** The codec of this session's registry: what its inputs are framed with. */
  public PayloadCodec codec() {
    return codec;
  }

  /** The saga processor's counters (inputs by verdict, dead letters, timers). */
  public SagaCounters counters() {
    return counters;
  }

  /** Runs {@code step} (advance, then the input if any) and returns what the topology wrote. */
  public List<CapturedRecord> run(FixtureStep step) {
    return run(step, "");
  }

  /** As {@link #run(FixtureStep)}; {@code pointer} locates the step in its fixture for errors. */
  public List<CapturedRecord> run(FixtureStep step, String pointer) {
    advance(step.advance());
    step.input().ifPresent(input -> pipe(input, pointer + "/input"));
    return drain();
  }

  private void advance(Duration by) {
    Duration left = by;
    while (!left.isZero()) {
      Duration tick = left.compareTo(interval) < 0 ? left : interval;
      driver.advanceWallClockTime(tick);
      wallClock = wallClock.plus(tick);
      left = left.minus(tick);
    }
  }

  private void pipe(FixtureRecord input, String pointer) {
    TestInputTopic<byte[], byte[]> topic =
        inputs.computeIfAbsent(input.topic(), name -> inputTopic(name, pointer));
    Headers headers = new RecordHeaders();
    input.headers().forEach(h -> headers.add(h.name(), h.value().orElse(null)));
    byte[] key = input.key().map(k -> k.getBytes(StandardCharsets.UTF_8)).orElse(null);
    byte[] value = codec.encode(input.value(), pointer + "/value").orElse(null);
    topic.pipeInput(new TestRecord<>(key, value, headers, input.timestamp()));
  }

  private TestInputTopic<byte[], byte[]> inputTopic(String name, String pointer) {
    if (!name.equals(SagaTopics.REQUESTS) && !name.equals(SagaTopics.REPLIES)) {
      throw new FixtureFormatException(
          pointer + "/topic",
          "'"
              + name
              + "' is not an input of the saga topology; inputs go to "
              + SagaTopics.REQUESTS
              + " or "
              + SagaTopics.REPLIES);
    }
    return driver.createInputTopic(name, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /** Everything written since the last call, by topic name, then in write order. */
  private List<CapturedRecord> drain() {
    List<CapturedRecord> out = new ArrayList<>();
    for (String topic : new TreeSet<>(driver.producedTopicNames())) {
      if (topic.startsWith(APPLICATION_ID + "-")) {
        // Changelogs are the stores' storage, not outputs: a fixture must survive a store
        // layout change that no participant or consumer can see.
        continue;
      }
      TestOutputTopic<byte[], byte[]> reader =
          outputs.computeIfAbsent(
              topic,
              t ->
                  driver.createOutputTopic(
                      t, new ByteArrayDeserializer(), new ByteArrayDeserializer()));
      for (TestRecord<byte[], byte[]> record : reader.readRecordsToList()) {
        out.add(capture(topic, record));
      }
    }
    return out;
  }

  private CapturedRecord capture(String topic, TestRecord<byte[], byte[]> record) {
    List<FixtureHeader> headers = new ArrayList<>();
    for (Header header : record.headers()) {
      headers.add(FixtureHeader.of(header.key(), header.value()));
    }
    Optional<byte[]> key = Optional.ofNullable(record.key());
    Optional<byte[]> value = Optional.ofNullable(record.value());
    FixtureRecord decoded =
        new FixtureRecord(
            topic,
            key.map(k -> new String(k, StandardCharsets.UTF_8)),
            record.getRecordTime(),
            VolatileHeaders.normalise(headers),
            codec.decode(record.value(), false));
    return new CapturedRecord(decoded, key, value);
  }

  @Override
  public void close() {
    try {
      driver.close();
    } finally {
      deleteStateDir();
    }
  }

  private void deleteStateDir() {
    try (Stream<Path> paths = Files.walk(stateDir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot delete the replay state directory " + stateDir, e);
    }
  }
}
