package io.sagaflow.app.participants;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.opentelemetry.api.OpenTelemetry;
import io.sagaflow.app.ClientProperties;
import io.sagaflow.app.config.SagaflowConfig;
import io.sagaflow.participant.CommandContext;
import io.sagaflow.participant.Health;
import io.sagaflow.participant.Participant;
import io.sagaflow.participant.ParticipantStats;
import io.sagaflow.participant.Reply;
import io.sagaflow.serde.SagaHeaders;
import io.sagaflow.serde.SchemaRegistry;
import io.sagaflow.topology.SagaCounters;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One simulated participant, written with the participant kit: the kit consumes, decodes, sets the
 * headers, deduplicates and replies; this class only decides what to answer, from its {@link
 * ParticipantBehaviour}.
 *
 * <p>When its behaviour draws a {@link Misbehaviour} it answers wrongly on purpose, through the
 * kit's low-level hooks: twice (the reply's record sent raw before the kit sends it), late (the
 * reply's record sent from a timer thread after the step's timeout, by a producer of its own), or
 * with garbage (sent raw instead of the reply). A participant that may write garbage runs the kit
 * in transactional mode, so each garbage record is written once with its command's offset, even
 * across a kill: the processor owes exactly one dead letter per garbage reply the seed draws.
 */
final class SimulatedParticipant implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SimulatedParticipant.class);

  private final ParticipantBehaviour behaviour;
  private final SagaCounters counters;
  private final Optional<Producer<String, byte[]>> lateProducer;
  private final ScheduledExecutorService late;
  private Participant participant;

  private SimulatedParticipant(
      ParticipantBehaviour behaviour,
      SagaCounters counters,
      Optional<Producer<String, byte[]>> lateProducer) {
    this.behaviour = behaviour;
    this.counters = counters;
    this.lateProducer = lateProducer;
    this.late =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread thread = new Thread(r, "participant-" + behaviour.name() + "-late");
              thread.setDaemon(true);
              return thread;
            });
  }

  /**
   * Starts {@code behaviour}'s participant, consuming with group {@code groupId}; {@code classes}
   * sees every module's generated records.
   */
  static SimulatedParticipant start(
      ParticipantBehaviour behaviour,
      SagaflowConfig config,
      String groupId,
      SchemaRegistry schemas,
      ClassLoader classes,
      SagaCounters counters,
      OpenTelemetry tracing,
      Optional<MeterRegistry> meters) {
    Optional<Producer<String, byte[]>> lateProducer =
        config.participants().lateReplyRate() == 0.0
            ? Optional.empty()
            : Optional.of(
                new KafkaProducer<>(
                    ClientProperties.producer(config, groupId + "-late"),
                    new StringSerializer(),
                    new ByteArraySerializer()));
    SimulatedParticipant simulated = new SimulatedParticipant(behaviour, counters, lateProducer);
    Participant.Builder kit =
        Participant.builder()
            .name(behaviour.name())
            .bootstrapServers(config.kafka().get("bootstrap.servers"))
            .schemaRegistry(schemas)
            .autoRegisterSchemas(config.autoRegister())
            .commandTopic(behaviour.topic())
            .groupId(groupId)
            .classLoader(classes)
            .openTelemetry(tracing)
            .onAnyCommand(simulated::answer);
    meters.ifPresent(
        registry -> kit.onClients((consumer, producer) -> bind(registry, consumer, producer)));
    ClientProperties.consumer(config, groupId)
        .forEach((k, v) -> kit.consumerProperty((String) k, v));
    ClientProperties.producer(config, groupId)
        .forEach((k, v) -> kit.producerProperty((String) k, v));
    if (!behaviour.latency().isZero()) {
      // The simulated work: every command of the batch takes this long before its reply.
      kit.beforeEachBatch(records -> TimeUnit.MILLISECONDS.sleep(behaviour.latency().toMillis()));
    }
    if (config.participants().garbageReplyRate() > 0.0) {
      kit.transactional(transactionalId(config, groupId))
          // A dead process's open transaction is aborted by the broker after this long, where
          // no restarted process with the same id aborts it sooner.
          .producerProperty(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "10000");
    }
    try {
      simulated.participant = kit.start();
    } catch (RuntimeException e) {
      simulated.close();
      throw e;
    }
    return simulated;
  }

  /** Kafka's own client metrics of a participant, on {@code registry}; closed with the clients. */
  private static AutoCloseable bind(
      MeterRegistry registry,
      Consumer<byte[], byte[]> consumer,
      Producer<byte[], byte[]> producer) {
    KafkaClientMetrics consumerMetrics = new KafkaClientMetrics(consumer);
    KafkaClientMetrics producerMetrics = new KafkaClientMetrics(producer);
    consumerMetrics.bindTo(registry);
    producerMetrics.bindTo(registry);
    return () -> {
      consumerMetrics.close();
      producerMetrics.close();
    };
  }

  /**
   * Stable across restarts of a static member (the chaos runner's participants), so a restarted
   * process aborts at once what its killed predecessor left open; elsewhere unique to the process.
   */
  private static String transactionalId(SagaflowConfig config, String groupId) {
    String instance =
        Optional.ofNullable(config.kafka().get("group.instance.id"))
            .orElseGet(() -> UUID.randomUUID().toString());
    return groupId + "-" + instance;
  }

  String name() {
    return behaviour.name();
  }

  Health health() {
    return participant.health();
  }

  ParticipantStats stats() {
    return participant.stats();
  }

  /** Stops consuming, then drops the late replies not yet sent. */
  @Override
  public void close() {
    if (participant != null) {
      participant.close();
    }
    int dropped = late.shutdownNow().size();
    if (dropped > 0) {
      LOG.info("{} stops with {} late replies not yet sent", behaviour.name(), dropped);
    }
    lateProducer.ifPresent(Producer::close);
  }

  // A late reply's task reports its own failure (sendLate), so its Future holds nothing to check.
  @SuppressWarnings("FutureReturnValueIgnored")
  private Reply answer(SpecificRecord command, CommandContext context) {
    Verdict verdict =
        behaviour.decide(context.sagaId(), context.step(), context.attempt(), context.kind());
    counters.increment(behaviour.name() + "." + verdict.name().toLowerCase(Locale.ROOT));
    if (verdict == Verdict.SILENCE) {
      return Reply.none();
    }
    Misbehaviour misbehaviour =
        behaviour.misbehaviour(context.sagaId(), context.step(), context.attempt(), context.kind());
    if (misbehaviour != Misbehaviour.NONE) {
      counters.increment(
          behaviour.name() + ".reply-" + misbehaviour.name().toLowerCase(Locale.ROOT));
    }
    Reply reply = reply(command, context, verdict);
    switch (misbehaviour) {
      case DUPLICATE -> context.sendRaw(context.replyRecord(reply));
      case LATE -> {
        Producer<String, byte[]> producer =
            lateProducer.orElseThrow(
                () ->
                    new IllegalStateException(
                        behaviour.name() + " drew a late reply but has no producer for it"));
        ProducerRecord<String, byte[]> record = context.replyRecord(reply);
        // Its offset is committed with the batch before it is sent: a crash loses it, which
        // leaves the attempt to time out, as it would anyway.
        late.schedule(
            () -> sendLate(producer, record),
            behaviour.lateReplyDelay(context.step()).toMillis(),
            TimeUnit.MILLISECONDS);
        return Reply.none();
      }
      case GARBAGE -> {
        context.sendRaw(garbage(context));
        return Reply.none();
      }
      case NONE -> {
        // answered as the verdict says
      }
    }
    return reply;
  }

  private Reply reply(SpecificRecord command, CommandContext context, Verdict verdict) {
    return switch (verdict) {
      case SUCCEED ->
          behaviour
              .results()
              .resultOf(command, context.commandId())
              .map(Reply::success)
              .orElseGet(Reply::success);
      case BUSINESS_FAILURE ->
          Reply.businessFailure(
              behaviour.declineCode(), behaviour.name() + " declined " + context.step());
      default ->
          Reply.retriableFailure(
              ParticipantBehaviour.RETRIABLE_CODE,
              behaviour.name() + " is temporarily unavailable");
    };
  }

  // The callback sees every failure of the send, so its Future holds nothing more.
  @SuppressWarnings("FutureReturnValueIgnored")
  private void sendLate(Producer<String, byte[]> producer, ProducerRecord<String, byte[]> reply) {
    try {
      producer.send(
          reply,
          (metadata, e) -> {
            if (e != null) {
              lateReplyLost(reply, e);
            }
          });
    } catch (RuntimeException e) {
      lateReplyLost(reply, e);
    }
  }

  private void lateReplyLost(ProducerRecord<String, byte[]> reply, Exception e) {
    // The attempt has timed out and been retried already: a lost late reply changes nothing but
    // the number of stale replies the processor counts.
    counters.increment(behaviour.name() + ".reply-late-failed");
    LOG.warn(
        "{} could not send its late reply for saga {}: {}",
        behaviour.name(),
        reply.key(),
        e.getMessage());
  }

  /** Bytes that are no reply, where the reply belongs, keyed by the saga id. */
  private ProducerRecord<String, byte[]> garbage(CommandContext context) {
    RecordHeaders headers = new RecordHeaders();
    headers.add(SagaHeaders.CE_SUBJECT, context.sagaId().getBytes(StandardCharsets.UTF_8));
    headers.add(SagaHeaders.CE_SOURCE, behaviour.name().getBytes(StandardCharsets.UTF_8));
    // Never starts with the wire format's magic byte 0, so it cannot be mistaken for a record.
    byte[] bytes =
        ("not a reply: garbage from " + behaviour.name() + " for command " + context.commandId())
            .getBytes(StandardCharsets.UTF_8);
    return new ProducerRecord<>(context.replyTopic(), null, context.sagaId(), bytes, headers);
  }
}
