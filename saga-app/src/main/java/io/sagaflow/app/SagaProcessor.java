package io.sagaflow.app;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.instrumentation.kafkaclients.v2_6.KafkaTelemetry;
import io.sagaflow.api.StreamThreadReplacements;
import io.sagaflow.app.config.HealthConfig;
import io.sagaflow.app.config.SagaflowConfig;
import io.sagaflow.engine.SagaRegistry;
import io.sagaflow.serde.SchemaRegistry;
import io.sagaflow.topology.Retention;
import io.sagaflow.topology.SagaCounters;
import io.sagaflow.topology.SagaStreamsConfig;
import io.sagaflow.topology.SagaTopology;
import java.time.Clock;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The saga processor: one {@link KafkaStreams} instance over {@link SagaTopology}, exactly-once v2,
 * with its RocksDB state under {@code <data dir>/streams}. A stream thread that dies is replaced
 * and counted, so the health routes can tell a crash loop from a passing failure.
 */
final class SagaProcessor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SagaProcessor.class);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
  // The consumer's own default, which Kafka Streams keeps.
  private static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(45);

  private final KafkaStreams streams;
  private final SagaCounters counters;
  private final StreamThreadReplacements replacements;
  private final RunMarker marker;

  private SagaProcessor(
      KafkaStreams streams,
      SagaCounters counters,
      StreamThreadReplacements replacements,
      RunMarker marker) {
    this.streams = streams;
    this.counters = counters;
    this.replacements = replacements;
    this.marker = marker;
  }

  /** Builds and starts the processor, tracing nothing. */
  static SagaProcessor start(SagaflowConfig config, SagaRegistry sagas, SchemaRegistry schemas) {
    return start(config, sagas, schemas, Tracing.off());
  }

  /**
   * Finished sagas kept for {@code saga.retention.finished}; with it, dead letters are kept in the
   * store as long as the dead-letter topic keeps them, after which they could not be redriven.
   */
  static Retention retention(SagaflowConfig config) {
    return config
        .finishedRetention()
        .map(kept -> Retention.of(kept, config.dlqRetention()))
        .orElse(Retention.OFF);
  }

  /**
   * Builds and starts the processor, its spans going to {@code tracing}; it joins its consumer
   * group in the background.
   */
  static SagaProcessor start(
      SagaflowConfig config, SagaRegistry sagas, SchemaRegistry schemas, Tracing tracing) {
    SagaCounters counters = new SagaCounters();
    // Before Kafka Streams starts: a timer's histogram holds only what is recorded after its
    // registry is added. The HTTP API's /metrics scrapes this one.
    counters.registry().add(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    int partitions = InputPartitions.read(config);
    SagaTopology.Settings settings =
        SagaTopology.Settings.of(schemas, config.autoRegister(), counters)
            .withInputPartitions(partitions)
            .withOpenTelemetry(tracing.openTelemetry())
            .withRetention(retention(config));
    Properties props = SagaStreamsConfig.create(config.kafka(), settings.deadLetters());
    if (tracing.enabled()) {
      props.putAll(
          SagaPublishInterceptor.streamsSettings(KafkaTelemetry.create(tracing.openTelemetry())));
    }
    props.put(StreamsConfig.STATE_DIR_CONFIG, config.dataDir().resolve("streams").toString());
    String memberId = InstanceIdentity.groupInstanceId(config.kafka(), config.dataDir());
    props.put(InstanceIdentity.GROUP_INSTANCE_ID, memberId);
    Topology topology = SagaTopology.build(sagas, settings);
    if (config.createTopics()) {
      // Before Kafka Streams: created by Streams in its first rebalance, they would be looked up
      // before the brokers show them, and Kafka's admin client logs each miss at ERROR.
      ProcessorChangelogs.ensure(config, topology);
    }
    KafkaStreams streams = new KafkaStreams(topology, props);
    HealthConfig health = config.health();
    warnIfTooShortForALoop(health, config);
    StreamThreadReplacements replacements =
        new StreamThreadReplacements(
            health.threadReplacementsMax(), health.threadReplacementsWindow(), Clock.systemUTC());
    streams.setUncaughtExceptionHandler(
        replacements.counting(
            e -> {
              // A crashed thread is replaced; its tasks restore from their changelogs and go on.
              // One that keeps crashing on the same record is what the counting is for.
              LOG.error("A saga processor thread failed and is being replaced: {}", e, e);
              return StreamThreadExceptionResponse.REPLACE_THREAD;
            }));
    streams.setStateListener(SagaProcessor::logTransition);
    RunMarker marker = RunMarker.in(config.dataDir());
    if (marker.previousRunUnclean()) {
      LOG.info(
          "The last processor on {} did not stop cleanly (killed or crashed): without the"
              + " checkpoint a clean stop writes, exactly-once cannot trust its local state, so it"
              + " is removed now and every task restores from its changelogs",
          config.dataDir());
      streams.cleanUp();
    }
    marker.mark();
    streams.start();
    LOG.info(
        "Saga processor started (application.id={}, exactly_once_v2, {} partitions per input"
            + " topic, static member {}, state in {})",
        config.applicationId(),
        partitions,
        memberId,
        props.get(StreamsConfig.STATE_DIR_CONFIG));
    return new SagaProcessor(streams, counters, replacements, marker);
  }

  /**
   * A dead thread's member stays in the group until its session times out, so a crash loop turns
   * only once per session timeout; a window shorter than {@code max + 1} turns never sees one.
   */
  private static void warnIfTooShortForALoop(HealthConfig health, SagaflowConfig config) {
    String configured =
        config
            .kafka()
            .getOrDefault(
                StreamsConfig.mainConsumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG),
                config
                    .kafka()
                    .getOrDefault(
                        ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG,
                        String.valueOf(DEFAULT_SESSION_TIMEOUT.toMillis())));
    Duration session;
    try {
      session = Duration.ofMillis(Long.parseLong(configured.strip()));
    } catch (NumberFormatException e) {
      // Kafka Streams refuses it by name at start; nothing to compare the window with.
      return;
    }
    Duration loop = session.multipliedBy(health.threadReplacementsMax() + 1L);
    if (health.threadReplacementsWindow().compareTo(loop) < 0) {
      LOG.warn(
          "saga.health.thread.replacements.window.seconds={} is shorter than {} turns of a crash"
              + " loop ({} each, the session timeout): readiness would never see more than {}"
              + " replacements in it. Lengthen the window or lower"
              + " saga.health.thread.replacements.max.",
          health.threadReplacementsWindow().toSeconds(),
          health.threadReplacementsMax() + 1,
          session,
          health.threadReplacementsMax());
    }
  }

  private static void logTransition(KafkaStreams.State now, KafkaStreams.State before) {
    if (now == KafkaStreams.State.ERROR) {
      LOG.error(
          "Saga processor state: {} -> ERROR: Kafka Streams has stopped for good and processes"
              + " nothing more; /health/live answers 503. Restart the instance.",
          before);
    } else {
      LOG.info("Saga processor state: {} -> {}", before, now);
    }
  }

  /** The Kafka Streams instance, for interactive queries. */
  KafkaStreams streams() {
    return streams;
  }

  /** The processor's state, e.g. RUNNING or REBALANCING. */
  KafkaStreams.State state() {
    return streams.state();
  }

  /** Its stream threads' replacements, for the health routes and the metric. */
  StreamThreadReplacements replacements() {
    return replacements;
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
    if (streams.close(options)) {
      marker.clear();
    } else {
      LOG.warn("The saga processor did not close within {}", CLOSE_TIMEOUT);
    }
  }
}
