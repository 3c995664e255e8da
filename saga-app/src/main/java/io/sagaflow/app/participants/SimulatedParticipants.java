package io.sagaflow.app.participants;

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
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The saga modules' simulated participants, each a plain Kafka consumer and producer on its own
 * thread. They stand in for real services in the demo, the integration tests and the benchmark; one
 * named in {@code saga.participants.disabled} is not started, so a real service can take its place.
 */
public final class SimulatedParticipants implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SimulatedParticipants.class);

  private final List<SimulatedParticipant> participants;
  private final List<Thread> threads;
  private final SagaCounters counters;

  private SimulatedParticipants(
      List<SimulatedParticipant> participants, List<Thread> threads, SagaCounters counters) {
    this.participants = participants;
    this.threads = threads;
    this.counters = counters;
  }

  /**
   * Starts one thread per enabled participant of {@code modules}, consuming with group {@code
   * <application.id>-<name>}.
   *
   * @throws ConfigException when {@code saga.participants.disabled} names an unknown participant
   */
  public static SimulatedParticipants start(
      SagaflowConfig config, SchemaRegistry schemas, SagaModules modules) {
    List<ParticipantBehaviour> all =
        ParticipantBehaviour.of(modules.participants(), config.participants());
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
    List<SimulatedParticipant> participants = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
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
              counters);
      Thread thread = new Thread(participant, "participant-" + behaviour.name());
      thread.setUncaughtExceptionHandler(
          (t, e) -> LOG.error("Simulated participant {} stopped: {}", behaviour.name(), e, e));
      participants.add(participant);
      threads.add(thread);
    }
    threads.forEach(Thread::start);
    LOG.info(
        "Simulated participants running: {} ({})",
        enabled.stream().map(ParticipantBehaviour::name).toList(),
        config.participants());
    return new SimulatedParticipants(participants, threads, counters);
  }

  /** What the participants did so far: commands per participant and verdict. */
  public Map<String, Long> counts() {
    return counters.snapshot();
  }

  @Override
  public void close() {
    participants.forEach(SimulatedParticipant::stop);
    for (Thread thread : threads) {
      try {
        thread.join(TimeUnit.SECONDS.toMillis(30));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
