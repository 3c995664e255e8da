package io.sagaflow.app.participants;

import io.sagaflow.contract.StepOutcome;
import io.sagaflow.contract.StepReply;
import io.sagaflow.serde.AvroDeserializer;
import io.sagaflow.serde.SagaHeaders;
import io.sagaflow.topology.DataCodec;
import io.sagaflow.topology.SagaCounters;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One simulated participant: a consume, decide, reply loop on its own thread. Offsets are committed
 * only after the batch's replies are acknowledged, so a crash redelivers commands rather than
 * losing replies; the orchestrator drops the duplicate replies that follows.
 */
final class SimulatedParticipant implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(SimulatedParticipant.class);
  private static final Duration POLL = Duration.ofMillis(200);

  private final ParticipantBehaviour behaviour;
  private final Consumer<String, byte[]> consumer;
  private final Producer<String, StepReply> producer;
  private final AvroDeserializer<SpecificRecord> commands;
  private final DataCodec results;
  private final SagaCounters counters;
  private volatile boolean running = true;

  SimulatedParticipant(
      ParticipantBehaviour behaviour,
      Consumer<String, byte[]> consumer,
      Producer<String, StepReply> producer,
      AvroDeserializer<SpecificRecord> commands,
      DataCodec results,
      SagaCounters counters) {
    this.behaviour = behaviour;
    this.consumer = consumer;
    this.producer = producer;
    this.commands = commands;
    this.results = results;
    this.counters = counters;
  }

  @Override
  public void run() {
    try {
      consumer.subscribe(List.of(behaviour.topic()));
      while (running) {
        ConsumerRecords<String, byte[]> batch = consumer.poll(POLL);
        if (!batch.isEmpty()) {
          answer(batch);
        }
      }
    } catch (WakeupException e) {
      if (running) {
        throw e;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      consumer.close();
      producer.close();
    }
  }

  /** Ends the loop; the thread closes its clients on the way out. */
  void stop() {
    running = false;
    consumer.wakeup();
  }

  private void answer(ConsumerRecords<String, byte[]> batch) throws InterruptedException {
    if (!behaviour.latency().isZero()) {
      // The simulated work: every command of the batch takes this long before its reply.
      TimeUnit.MILLISECONDS.sleep(behaviour.latency().toMillis());
    }
    List<Future<RecordMetadata>> sends = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> record : batch) {
      reply(record).ifPresent(r -> sends.add(producer.send(r)));
    }
    for (Future<RecordMetadata> send : sends) {
      try {
        send.get();
      } catch (ExecutionException e) {
        throw new IllegalStateException(
            behaviour.name() + " could not send a reply: " + e.getCause().getMessage(), e);
      }
    }
    consumer.commitSync();
  }

  private Optional<ProducerRecord<String, StepReply>> reply(ConsumerRecord<String, byte[]> record) {
    CommandHeaders command;
    SpecificRecord payload;
    try {
      command = CommandHeaders.from(record.headers());
      payload = commands.deserialize(record.topic(), record.value());
    } catch (RuntimeException e) {
      counters.increment(behaviour.name() + ".unreadable");
      LOG.error(
          "{} cannot read the command at {}-{}@{}; skipping it: {}",
          behaviour.name(),
          record.topic(),
          record.partition(),
          record.offset(),
          e.getMessage());
      return Optional.empty();
    }
    Verdict verdict =
        behaviour.decide(command.sagaId(), command.step(), command.attempt(), command.kind());
    counters.increment(behaviour.name() + "." + verdict.name().toLowerCase(java.util.Locale.ROOT));
    if (verdict == Verdict.SILENCE) {
      return Optional.empty();
    }
    StepReply.Builder reply =
        StepReply.newBuilder()
            .setStep(command.step())
            .setAttempt(command.attempt())
            .setCommandId(command.commandId().toString());
    switch (verdict) {
      case SUCCEED ->
          reply
              .setOutcome(StepOutcome.SUCCEEDED)
              .setStepResult(
                  behaviour
                      .results()
                      .resultOf(payload, command.commandId())
                      .map(r -> ByteBuffer.wrap(results.encode(r)))
                      .orElse(null));
      case BUSINESS_FAILURE ->
          reply
              .setOutcome(StepOutcome.BUSINESS_FAILURE)
              .setErrorCode(behaviour.declineCode())
              .setErrorMessage(behaviour.name() + " declined " + command.step());
      default ->
          reply
              .setOutcome(StepOutcome.RETRIABLE_FAILURE)
              .setErrorCode(ParticipantBehaviour.RETRIABLE_CODE)
              .setErrorMessage(behaviour.name() + " is temporarily unavailable");
    }
    RecordHeaders headers = new RecordHeaders();
    // Replies are keyed by saga id and say so in ce_subject, which the reply router trusts.
    headers.add(SagaHeaders.CE_SUBJECT, command.sagaId().getBytes(StandardCharsets.UTF_8));
    headers.add(SagaHeaders.CE_SOURCE, behaviour.name().getBytes(StandardCharsets.UTF_8));
    return Optional.of(
        new ProducerRecord<>(command.replyTopic(), null, command.sagaId(), reply.build(), headers));
  }
}
