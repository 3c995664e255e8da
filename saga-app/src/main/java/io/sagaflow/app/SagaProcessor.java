package io.sagaflow.app;

import io.sagaflow.app.config.SagaflowConfig;
import io.sagaflow.engine.SagaRegistry;
import io.sagaflow.serde.SchemaRegistry;
import io.sagaflow.topology.SagaCounters;
import io.sagaflow.topology.SagaStreamsConfig;
import io.sagaflow.topology.SagaTopology;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The saga processor: one {@link KafkaStreams} instance over {@link SagaTopology}, exactly-once v2,
 * with its RocksDB state under {@code <data dir>/streams}.
 */
final class SagaProcessor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SagaProcessor.class);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

  private final KafkaStreams streams;
  private final SagaCounters counters;

  private SagaProcessor(KafkaStreams streams, SagaCounters counters) {
    this.streams = streams;
    this.counters = counters;
  }

  /** Builds and starts the processor; it joins its consumer group in the background. */
  static SagaProcessor start(SagaflowConfig config, SagaRegistry sagas, SchemaRegistry schemas) {
    SagaCounters counters = new SagaCounters();
    SagaTopology.Settings settings =
        SagaTopology.Settings.of(schemas, config.autoRegister(), counters);
    Properties props = SagaStreamsConfig.create(config.kafka(), settings.deadLetters());
    props.put(StreamsConfig.STATE_DIR_CONFIG, config.dataDir().resolve("streams").toString());
    String memberId = InstanceIdentity.groupInstanceId(config.kafka(), config.dataDir());
    props.put(InstanceIdentity.GROUP_INSTANCE_ID, memberId);
    KafkaStreams streams = new KafkaStreams(SagaTopology.build(sagas, settings), props);
    streams.setUncaughtExceptionHandler(
        e -> {
          // A crashed thread is replaced; its tasks restore from their changelogs and go on.
          LOG.error("A saga processor thread failed and is being replaced: {}", e, e);
          return StreamThreadExceptionResponse.REPLACE_THREAD;
        });
    streams.setStateListener(
        (now, before) -> LOG.info("Saga processor state: {} -> {}", before, now));
    streams.start();
    LOG.info(
        "Saga processor started (application.id={}, exactly_once_v2, static member {}, state in"
            + " {})",
        config.applicationId(),
        memberId,
        props.get(StreamsConfig.STATE_DIR_CONFIG));
    return new SagaProcessor(streams, counters);
  }

  /** The Kafka Streams instance, for interactive queries. */
  KafkaStreams streams() {
    return streams;
  }

  /** The processor's state, e.g. RUNNING or REBALANCING. */
  KafkaStreams.State state() {
    return streams.state();
  }

  /** What the processor did with its inputs, by counter name. */
  SagaCounters counters() {
    return counters;
  }

  /** Closes cleanly: commits, flushes the stores, leaves the group. */
  @Override
  public void close() {
    // A static member stays in the group when it stops unless it says otherwise, and its
    // partitions would wait, unanswered, for its session to time out; a clean stop hands them on.
    CloseOptions options =
        CloseOptions.timeout(CLOSE_TIMEOUT)
            .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP);
    if (!streams.close(options)) {
      LOG.warn("The saga processor did not close within {}", CLOSE_TIMEOUT);
    }
  }
}
