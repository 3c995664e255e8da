package io.sagaflow.app.participants;

import io.sagaflow.api.FailureSummary;
import io.sagaflow.api.ParticipantHealth;
import io.sagaflow.app.ClientProperties;
import io.sagaflow.app.config.ConfigException;
import io.sagaflow.app.config.SagaflowConfig;
import io.sagaflow.app.modules.SagaModules;
import io.sagaflow.serde.AvroDeserializer;
import io.sagaflow.serde.SchemaRegistry;
import io.sagaflow.topology.DataCodec;
import io.sagaflow.topology.SagaCounters;
import io.sagaflow.topology.SagaTopics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The saga modules' simulated participants, each a plain Kafka consumer and producer on its own
 * thread. They stand in for real services in the demo, the integration tests and the benchmark; one
 * named in {@code saga.participants.disabled} is not started, so a real service can take its place.
 * A participant whose thread ends while the instance runs is not restarted: {@link #health()}
 * reports it FAILED, with what it died of, and the instance stops being ready.
 */
public final class SimulatedParticipants implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SimulatedParticipants.class);

  private final List<Running> running;
  private final Map<String, String> failures;
  private final SagaCounters counters;
  private volatile boolean closing;

  private SimulatedParticipants(
      List<Running> running, Map<String, String> failures, SagaCounters counters) {
    this.running = running;
    this.failures = failures;
    this.counters = counters;
  }

  /** One started participant: its name, its loop and the thread running it. */
  private record Running(String name, SimulatedParticipant participant, Thread thread) {}

  /**
   * Starts one thread per enabled participant of {@code modules}, consuming with group {@code
   * <application.id>-<name>}.
   *
   * @throws ConfigException when {@code saga.participants.disabled} names an unknown participant
   */
  public static SimulatedParticipants start(
      SagaflowConfig config, SchemaRegistry schemas, SagaModules modules) {
    List<ParticipantBehaviour> all =
        ParticipantBehaviour.of(modules.participants(), modules.registry(), config.participants());
    java.util.Set<String> known =
        all.stream().map(ParticipantBehaviour::name).collect(java.util.stream.Collectors.toSet());
    for (String name : config.participants().disabled()) {
      if (!known.contains(name)) {
        throw new ConfigException(
            "saga.participants.disabled names '"
                + name
                + "', which no loaded saga module simulates. Known participants: "
                + new java.util.TreeSet<>(known)
                + ".");
      }
    }
    List<ParticipantBehaviour> enabled =
        all.stream().filter(b -> !config.participants().disabled().contains(b.name())).toList();
    SagaCounters counters = new SagaCounters();
    List<Running> running = new ArrayList<>();
    Map<String, String> failures = new ConcurrentHashMap<>();
    for (ParticipantBehaviour behaviour : enabled) {
      String id = config.applicationId() + "-" + behaviour.name();
      SimulatedParticipant participant =
          new SimulatedParticipant(
              behaviour,
              new KafkaConsumer<>(
                  ClientProperties.consumer(config, id),
                  new StringDeserializer(),
                  new ByteArrayDeserializer()),
              new KafkaProducer<>(
                  ClientProperties.producer(config, id),
                  new StringSerializer(),
                  SagaTopics.REPLY_RECORDS.serializer(schemas, config.autoRegister())),
              // Commands of every module's types arrive here: read them through its loader.
              AvroDeserializer.anySpecific(schemas, modules.classLoader()),
              new DataCodec(schemas, config.autoRegister(), modules.classLoader()),
              counters,
              garbageProducer(config, id));
      Thread thread = new Thread(participant, "participant-" + behaviour.name());
      thread.setUncaughtExceptionHandler(
          (t, e) -> {
            // Runs on the dying thread before it ends, so health() never sees it dead without
            // its reason.
            failures.put(behaviour.name(), FailureSummary.of(e).oneLine());
            LOG.error(
                "Simulated participant {} stopped and is not restarted; its commands wait"
                    + " unanswered and /health/ready answers 503: {}",
                behaviour.name(),
                e,
                e);
          });
      running.add(new Running(behaviour.name(), participant, thread));
    }
    running.forEach(r -> r.thread().start());
    LOG.info(
        "Simulated participants running: {} ({})",
        enabled.stream().map(ParticipantBehaviour::name).toList(),
        config.participants());
    return new SimulatedParticipants(running, failures, counters);
  }

  /**
   * The transactional producer of a participant's garbage replies, when it may write any. Its
   * transactional id is stable across restarts of a static member (the chaos runner's
   * participants), so a restarted process aborts at once what its killed predecessor left open;
   * elsewhere it is unique to the process, and a dead process's open transaction is aborted by the
   * broker after the short timeout set here.
   */
  private static Optional<Producer<String, byte[]>> garbageProducer(
      SagaflowConfig config, String id) {
    if (config.participants().garbageReplyRate() == 0.0) {
      return Optional.empty();
    }
    String instance =
        Optional.ofNullable(config.kafka().get("group.instance.id"))
            .orElseGet(() -> UUID.randomUUID().toString());
    Properties props = ClientProperties.producer(config, id + "-garbage");
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, id + "-garbage-" + instance);
    props.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "10000");
    return Optional.of(
        new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer()));
  }

  /** Each participant's state now, in start order. */
  public List<ParticipantHealth> health() {
    List<ParticipantHealth> result = new ArrayList<>();
    for (Running r : running) {
      String failure = failures.get(r.name());
      if (failure != null) {
        result.add(ParticipantHealth.failed(r.name(), failure));
      } else if (r.thread().isAlive()) {
        result.add(ParticipantHealth.running(r.name()));
      } else if (closing) {
        result.add(ParticipantHealth.stopped(r.name()));
      } else {
        // The loop returns without an exception only when stopped or interrupted.
        result.add(
            ParticipantHealth.failed(
                r.name(), "its thread was interrupted and ended while the instance runs"));
      }
    }
    return result;
  }

  /** What the participants did so far: commands per participant and verdict. */
  public Map<String, Long> counts() {
    return counters.snapshot();
  }

  @Override
  public void close() {
    closing = true;
    running.forEach(r -> r.participant().stop());
    for (Running r : running) {
      try {
        r.thread().join(TimeUnit.SECONDS.toMillis(30));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
