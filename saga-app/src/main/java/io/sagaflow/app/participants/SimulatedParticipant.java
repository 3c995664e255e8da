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
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One simulated participant: a consume, decide, reply loop on its own thread. Offsets are committed
 * only after the batch's replies are acknowledged, so a crash redelivers commands rather than
 * losing replies; the orchestrator drops the duplicate replies that follows.
 *
 * <p>When its behaviour draws a {@link Misbehaviour} it answers wrongly on purpose: twice, late
 * (from a timer thread, after the step's timeout), or with garbage written in a transaction with
 * the command's offset.
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
  private final Optional<Producer<String, byte[]>> garbage;
  private final ScheduledExecutorService late;
  private volatile boolean running = true;

  SimulatedParticipant(
      ParticipantBehaviour behaviour,
      Consumer<String, byte[]> consumer,
      Producer<String, StepReply> producer,
      AvroDeserializer<SpecificRecord> commands,
      DataCodec results,
      SagaCounters counters,
      Optional<Producer<String, byte[]>> garbage) {
    this.behaviour = behaviour;
    this.consumer = consumer;
    this.producer = producer;
    this.commands = commands;
    this.results = results;
    this.counters = counters;
    this.garbage = garbage;
    this.late =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread thread = new Thread(r, "participant-" + behaviour.name() + "-late");
              thread.setDaemon(true);
              return thread;
            });
  }

  @Override
  public void run() {
    try {
      // Aborts what a killed predecessor with the same transactional id left open.
      garbage.ifPresent(Producer::initTransactions);
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
      int dropped = late.shutdownNow().size();
      if (dropped > 0) {
        LOG.info("{} stops with {} late replies not yet sent", behaviour.name(), dropped);
      }
      consumer.close();
      producer.close();
      garbage.ifPresent(Producer::close);
    }
  }

  /** Ends the loop; the thread closes its clients on the way out. */
  void stop() {
    running = false;
    consumer.wakeup();
  }

  // A late reply's task reports its own failure (sendLate), so its Future holds nothing to check.
  @SuppressWarnings("FutureReturnValueIgnored")
  private void answer(ConsumerRecords<String, byte[]> batch) throws InterruptedException {
    if (!behaviour.latency().isZero()) {
      // The simulated work: every command of the batch takes this long before its reply.
      TimeUnit.MILLISECONDS.sleep(behaviour.latency().toMillis());
    }
    List<Future<RecordMetadata>> sends = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> record : batch) {
      Optional<Command> read = read(record);
      if (read.isEmpty()) {
        continue;
      }
      CommandHeaders command = read.get().headers();
      Verdict verdict =
          behaviour.decide(command.sagaId(), command.step(), command.attempt(), command.kind());
      counters.increment(behaviour.name() + "." + verdict.name().toLowerCase(Locale.ROOT));
      if (verdict == Verdict.SILENCE) {
        continue;
      }
      Misbehaviour misbehaviour =
          behaviour.misbehaviour(
              command.sagaId(), command.step(), command.attempt(), command.kind());
      if (misbehaviour != Misbehaviour.NONE) {
        counters.increment(
            behaviour.name() + ".reply-" + misbehaviour.name().toLowerCase(Locale.ROOT));
      }
      switch (misbehaviour) {
        case NONE -> sends.add(producer.send(reply(command, read.get().payload(), verdict)));
        case DUPLICATE -> {
          ProducerRecord<String, StepReply> reply = reply(command, read.get().payload(), verdict);
          sends.add(producer.send(reply));
          sends.add(producer.send(reply));
        }
        case LATE -> {
          ProducerRecord<String, StepReply> reply = reply(command, read.get().payload(), verdict);
          // Its offset is committed with the batch before it is sent: a crash loses it, which
          // leaves the attempt to time out, as it would anyway.
          late.schedule(
              () -> sendLate(reply),
              behaviour.lateReplyDelay(command.step()).toMillis(),
              TimeUnit.MILLISECONDS);
        }
        case GARBAGE -> {
          // The garbage commits the command's offset in its own transaction; the replies before
          // it in the batch must be written first, or a crash could lose them.
          await(sends);
          sends.clear();
          writeGarbage(record, command);
        }
      }
    }
    await(sends);
    consumer.commitSync();
  }

  private void await(List<Future<RecordMetadata>> sends) throws InterruptedException {
    for (Future<RecordMetadata> send : sends) {
      try {
        send.get();
      } catch (ExecutionException e) {
        throw new IllegalStateException(
            behaviour.name() + " could not send a reply: " + e.getCause().getMessage(), e);
      }
    }
  }

  // The callback sees every failure of the send, so its Future holds nothing more.
  @SuppressWarnings("FutureReturnValueIgnored")
  private void sendLate(ProducerRecord<String, StepReply> reply) {
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

  private void lateReplyLost(ProducerRecord<String, StepReply> reply, Exception e) {
    // The attempt has timed out and been retried already: a lost late reply changes nothing but
    // the number of stale replies the processor counts.
    counters.increment(behaviour.name() + ".reply-late-failed");
    LOG.warn(
        "{} could not send its late reply for saga {}: {}",
        behaviour.name(),
        reply.key(),
        e.getMessage());
  }

  /**
   * Writes bytes that are no reply where the reply belongs, keyed by the saga id, in one
   * transaction with the command's offset: a participant killed on the way neither loses nor
   * repeats it, so the processor owes exactly one dead letter per garbage reply the seed draws.
   */
  // commitTransaction fails when any send of the transaction failed: the Future adds nothing.
  @SuppressWarnings("FutureReturnValueIgnored")
  private void writeGarbage(ConsumerRecord<String, byte[]> record, CommandHeaders command) {
    Producer<String, byte[]> transactional =
        garbage.orElseThrow(
            () ->
                new IllegalStateException(
                    behaviour.name() + " drew a garbage reply but has no producer for it"));
    RecordHeaders headers = new RecordHeaders();
    headers.add(SagaHeaders.CE_SUBJECT, command.sagaId().getBytes(StandardCharsets.UTF_8));
    headers.add(SagaHeaders.CE_SOURCE, behaviour.name().getBytes(StandardCharsets.UTF_8));
    // Never starts with the wire format's magic byte 0, so it cannot be mistaken for a record.
    byte[] bytes =
        ("not a reply: garbage from " + behaviour.name() + " for command " + command.commandId())
            .getBytes(StandardCharsets.UTF_8);
    transactional.beginTransaction();
    transactional.send(
        new ProducerRecord<>(command.replyTopic(), null, command.sagaId(), bytes, headers));
    transactional.sendOffsetsToTransaction(
        Map.of(
            new TopicPartition(record.topic(), record.partition()),
            new OffsetAndMetadata(record.offset() + 1)),
        consumer.groupMetadata());
    transactional.commitTransaction();
  }

  /** A command's correlation headers and its decoded payload. */
  private record Command(CommandHeaders headers, SpecificRecord payload) {}

  private Optional<Command> read(ConsumerRecord<String, byte[]> record) {
    try {
      return Optional.of(
          new Command(
              CommandHeaders.from(record.headers()),
              commands.deserialize(record.topic(), record.value())));
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
  }

  private ProducerRecord<String, StepReply> reply(
      CommandHeaders command, SpecificRecord payload, Verdict verdict) {
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
    return new ProducerRecord<>(
        command.replyTopic(), null, command.sagaId(), reply.build(), headers);
  }
}
