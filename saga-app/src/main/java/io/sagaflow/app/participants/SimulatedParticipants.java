package io.sagaflow.app.participants;

import io.sagaflow.app.ClientProperties;
import io.sagaflow.app.config.SagaflowConfig;
import io.sagaflow.contract.StepReply;
import io.sagaflow.serde.AvroDeserializer;
import io.sagaflow.serde.AvroSerdeConfig;
import io.sagaflow.serde.AvroSerializer;
import io.sagaflow.serde.SchemaRegistry;
import io.sagaflow.topology.DataCodec;
import io.sagaflow.topology.SagaCounters;
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
 * The order-fulfilment saga's participants, inventory, payment, shipping and notification, each a
 * plain Kafka consumer and producer on its own thread. They stand in for real services in the demo,
 * the integration tests and the benchmark.
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

  /** Starts one thread per participant, consuming with group {@code <application.id>-<name>}. */
  public static SimulatedParticipants start(SagaflowConfig config, SchemaRegistry schemas) {
    SagaCounters counters = new SagaCounters();
    List<SimulatedParticipant> participants = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (ParticipantBehaviour behaviour :
        ParticipantBehaviour.orderFulfilment(config.participants())) {
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
                  new AvroSerializer<StepReply>(
                      schemas,
                      AvroSerdeConfig.topicName().withAutoRegister(config.autoRegister()))),
              AvroDeserializer.anySpecific(schemas),
              new DataCodec(schemas, config.autoRegister()),
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
        ParticipantBehaviour.orderFulfilment(config.participants()).stream()
            .map(ParticipantBehaviour::name)
            .toList(),
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
