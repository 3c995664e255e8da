package io.sagaflow.replay;

import io.sagaflow.engine.SagaRegistry;
import io.sagaflow.testkit.internals.DrivenTopology;
import io.sagaflow.topology.SagaClassLoader;
import io.sagaflow.topology.SagaCounters;
import io.sagaflow.topology.SagaTopics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
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
  private final DrivenTopology topology;
  private final PayloadCodec codec;

  /** A session over {@code sagas}, its wall clock at {@code start}. */
  public ReplaySession(SagaRegistry sagas, Instant start, Duration punctuationInterval) {
    this.topology = new DrivenTopology(sagas, start, punctuationInterval, APPLICATION_ID);
    this.codec = new PayloadCodec(topology.schemas(), SagaClassLoader.of(sagas));
  }

  /** The wall clock now. */
  public Instant wallClock() {
    return topology.wallClock();
  }

  /** The codec of this session's registry: what its inputs are framed with. */
  public PayloadCodec codec() {
    return codec;
  }

  /** The saga processor's counters (inputs by verdict, dead letters, timers). */
  public SagaCounters counters() {
    return topology.counters();
  }

  /** Runs {@code step} (advance, then the input if any) and returns what the topology wrote. */
  public List<CapturedRecord> run(FixtureStep step) {
    return run(step, "");
  }

  /** As {@link #run(FixtureStep)}; {@code pointer} locates the step in its fixture for errors. */
  public List<CapturedRecord> run(FixtureStep step, String pointer) {
    topology.advance(step.advance());
    step.input().ifPresent(input -> pipe(input, pointer + "/input"));
    return topology.drain().stream().map(this::capture).toList();
  }

  private void pipe(FixtureRecord input, String pointer) {
    if (!DrivenTopology.isInput(input.topic())) {
      throw new FixtureFormatException(
          pointer + "/topic",
          "'"
              + input.topic()
              + "' is not an input of the saga topology; inputs go to "
              + SagaTopics.REQUESTS
              + " or "
              + SagaTopics.REPLIES);
    }
    Headers headers = new RecordHeaders();
    input.headers().forEach(h -> headers.add(h.name(), h.value().orElse(null)));
    byte[] key = input.key().map(k -> k.getBytes(StandardCharsets.UTF_8)).orElse(null);
    byte[] value = codec.encode(input.value(), pointer + "/value").orElse(null);
    topology.pipe(input.topic(), new TestRecord<>(key, value, headers, input.timestamp()));
  }

  private CapturedRecord capture(DrivenTopology.Output output) {
    TestRecord<byte[], byte[]> record = output.record();
    List<FixtureHeader> headers = new ArrayList<>();
    for (Header header : record.headers()) {
      headers.add(FixtureHeader.of(header.key(), header.value()));
    }
    Optional<byte[]> key = Optional.ofNullable(record.key());
    Optional<byte[]> value = Optional.ofNullable(record.value());
    FixtureRecord decoded =
        new FixtureRecord(
            output.topic(),
            key.map(k -> new String(k, StandardCharsets.UTF_8)),
            record.getRecordTime(),
            VolatileHeaders.normalise(headers),
            codec.decode(record.value(), false));
    return new CapturedRecord(decoded, key, value);
  }

  @Override
  public void close() {
    topology.close();
  }
}
