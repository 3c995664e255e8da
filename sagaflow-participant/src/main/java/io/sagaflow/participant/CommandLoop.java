package io.sagaflow.participant;

import io.sagaflow.contract.DeadLetterReason;
import io.sagaflow.contract.StepReply;
import io.sagaflow.serde.AvroDeserializationException;
import io.sagaflow.serde.AvroDeserializer;
import io.sagaflow.topology.DataCodec;
import io.sagaflow.topology.SagaTopics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consume, handle, reply loop of one participant. Each polled batch is handled in full, then
 * its replies and dead letters are written and its offsets committed: after the acknowledgements
 * ({@link DeliveryMode#AT_LEAST_ONCE}), or in one transaction with them ({@link
 * DeliveryMode#TRANSACTIONAL}).
 */
final class CommandLoop implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(CommandLoop.class);
  private static final Duration TOPIC_CHECK_TIMEOUT = Duration.ofSeconds(30);

  /** What the builder settled. */
  record Settings(
      String name,
      String commandTopic,
      String deadLetterTopic,
      String groupId,
      DeliveryMode mode,
      Optional<String> transactionalId,
      Map<String, Object> client,
      Map<String, Object> consumer,
      Map<String, Object> producer,
      Duration pollTimeout) {}

  private final Settings settings;
  private final Consumer<byte[], byte[]> consumer;
  private final Producer<byte[], byte[]> producer;
  private final AvroDeserializer<SpecificRecord> commands;
  private final ReplyEncoder encoder;
  private final Handlers handlers;
  private final CommandLedger ledger;
  private final BatchHook batchHook;
  private final DeadLetters deadLetters;
  private final AtomicLong handled = new AtomicLong();
  private final AtomicLong fromLedger = new AtomicLong();
  private final AtomicLong deadLettered = new AtomicLong();
  private final AtomicLong handlerFailures = new AtomicLong();
  private volatile Health health = Health.running();
  private volatile boolean stopping;

  private CommandLoop(
      Settings settings,
      Consumer<byte[], byte[]> consumer,
      Producer<byte[], byte[]> producer,
      AvroDeserializer<SpecificRecord> commands,
      ReplyEncoder encoder,
      Handlers handlers,
      CommandLedger ledger,
      BatchHook batchHook,
      Clock clock) {
    this.settings = settings;
    this.consumer = consumer;
    this.producer = producer;
    this.commands = commands;
    this.encoder = encoder;
    this.handlers = handlers;
    this.ledger = ledger;
    this.batchHook = batchHook;
    this.deadLetters = new DeadLetters(settings.deadLetterTopic(), clock);
  }

  static CommandLoop create(
      Settings settings,
      io.sagaflow.serde.SchemaRegistry registry,
      boolean autoRegister,
      ClassLoader classes,
      Handlers handlers,
      CommandLedger ledger,
      BatchHook batchHook,
      Clock clock) {
    Map<String, Object> consumerProps = new HashMap<>(settings.client());
    consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
    consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    consumerProps.putAll(settings.consumer());
    // Offsets are committed by the loop, after the replies: never before.
    consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    Map<String, Object> producerProps = new HashMap<>(settings.client());
    producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
    producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    producerProps.putAll(settings.producer());
    if (settings.mode() == DeliveryMode.TRANSACTIONAL) {
      // Commands written in the orchestrator's transactions are read once they commit; this
      // participant's own replies are then read by the orchestrator the same way.
      consumerProps.put(
          ConsumerConfig.ISOLATION_LEVEL_CONFIG,
          IsolationLevel.READ_COMMITTED.name().toLowerCase(Locale.ROOT));
      producerProps.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, settings.transactionalId().get());
    }
    Consumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            consumerProps, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    Producer<byte[], byte[]> producer;
    try {
      producer =
          new KafkaProducer<>(producerProps, new ByteArraySerializer(), new ByteArraySerializer());
    } catch (RuntimeException e) {
      consumer.close();
      throw e;
    }
    return new CommandLoop(
        settings,
        consumer,
        producer,
        AvroDeserializer.anySpecific(registry, classes),
        new ReplyEncoder(
            settings.name(),
            SagaTopics.REPLY_RECORDS.serializer(registry, autoRegister),
            new DataCodec(registry, autoRegister, classes),
            clock),
        handlers,
        ledger,
        batchHook,
        clock);
  }

  Health health() {
    return health;
  }

  ParticipantStats stats() {
    return new ParticipantStats(
        handled.get(), fromLedger.get(), deadLettered.get(), handlerFailures.get());
  }

  /** Ends the loop after the batch in hand; the thread closes the clients on its way out. */
  void stop() {
    stopping = true;
    consumer.wakeup();
  }

  @Override
  public void run() {
    Optional<Throwable> failure = Optional.empty();
    try {
      if (settings.mode() == DeliveryMode.TRANSACTIONAL) {
        // Fences a predecessor with the same transactional id and aborts what it left open.
        producer.initTransactions();
      }
      requireDeadLetterTopic();
      consumer.subscribe(List.of(settings.commandTopic()));
      LOG.info(
          "Participant {} serves {} (group {}, {})",
          settings.name(),
          settings.commandTopic(),
          settings.groupId(),
          settings.mode());
      while (!stopping) {
        ConsumerRecords<byte[], byte[]> batch = consumer.poll(settings.pollTimeout());
        if (!batch.isEmpty()) {
          batchHook.beforeBatch(batch.count());
          answer(batch);
        }
      }
    } catch (WakeupException e) {
      if (!stopping) {
        failure = Optional.of(e);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      if (!stopping) {
        failure = Optional.of(e);
      }
    } catch (RuntimeException | Error e) {
      failure = Optional.of(e);
    }
    failure.ifPresent(
        e -> {
          // Set before the clients close, so health never says RUNNING of a dead loop.
          health = Health.failed(e);
          LOG.error(
              "Participant {} stopped and is not restarted: commands on {} wait unanswered until"
                  + " the service restarts it. Cause: {}",
              settings.name(),
              settings.commandTopic(),
              e.toString(),
              e);
        });
    try {
      consumer.close();
    } finally {
      producer.close();
    }
    if (failure.isEmpty()) {
      health = Health.stopped();
    }
  }

  private void requireDeadLetterTopic() {
    if (!consumer.listTopics(TOPIC_CHECK_TIMEOUT).containsKey(settings.deadLetterTopic())) {
      throw new IllegalStateException(
          "Participant "
              + settings.name()
              + " has no dead-letter topic: create "
              + settings.deadLetterTopic()
              + " (or name another with deadLetterTopic(..)) before starting it, so an unreadable"
              + " command on "
              + settings.commandTopic()
              + " can be set aside instead of stopping it.");
    }
  }

  private void answer(ConsumerRecords<byte[], byte[]> batch) throws InterruptedException {
    List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
    Map<UUID, StepReply> answered = new LinkedHashMap<>();
    for (ConsumerRecord<byte[], byte[]> record : batch) {
      answer(record, out, answered);
    }
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (TopicPartition partition : batch.partitions()) {
      List<ConsumerRecord<byte[], byte[]>> records = batch.records(partition);
      offsets.put(partition, new OffsetAndMetadata(records.get(records.size() - 1).offset() + 1));
    }
    if (settings.mode() == DeliveryMode.TRANSACTIONAL) {
      writeInTransaction(out, offsets);
    } else {
      writeThenCommit(out, offsets);
    }
    answered.forEach(ledger::record);
  }

  // commitTransaction fails if any send of the transaction failed: the Futures add nothing.
  @SuppressWarnings("FutureReturnValueIgnored")
  private void writeInTransaction(
      List<ProducerRecord<byte[], byte[]>> out, Map<TopicPartition, OffsetAndMetadata> offsets) {
    producer.beginTransaction();
    out.forEach(producer::send);
    producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
    producer.commitTransaction();
  }

  private void writeThenCommit(
      List<ProducerRecord<byte[], byte[]>> out, Map<TopicPartition, OffsetAndMetadata> offsets)
      throws InterruptedException {
    List<Future<RecordMetadata>> sends = new ArrayList<>(out.size());
    out.forEach(r -> sends.add(producer.send(r)));
    for (Future<RecordMetadata> send : sends) {
      try {
        send.get();
      } catch (ExecutionException e) {
        throw new IllegalStateException(
            "Participant "
                + settings.name()
                + " could not write a reply or dead letter: "
                + e.getCause().getMessage(),
            e.getCause());
      }
    }
    consumer.commitSync(offsets);
  }

  private void answer(
      ConsumerRecord<byte[], byte[]> record,
      List<ProducerRecord<byte[], byte[]>> out,
      Map<UUID, StepReply> answered)
      throws InterruptedException {
    CommandHeaders headers;
    SpecificRecord payload;
    CommandHandler<SpecificRecord> handler;
    try {
      headers = CommandHeaders.read(key(record), record.headers());
      payload = decode(record);
      handler = handlers.of(headers.kind(), payload);
    } catch (PoisonCommandException e) {
      deadLettered.incrementAndGet();
      LOG.warn(
          "Participant {} sets aside the record at {}-{}@{} on {}: {}",
          settings.name(),
          record.topic(),
          record.partition(),
          record.offset(),
          settings.deadLetterTopic(),
          e.getMessage());
      out.add(deadLetters.of(record, e.reason(), e.getMessage()));
      return;
    }
    CommandContext context =
        new CommandContext(
            headers, payload.getSchema().getFullName(), encoder, r -> out.add(bytesKeyed(r)));
    Optional<StepReply> known =
        Optional.ofNullable(answered.get(headers.commandId()))
            .or(() -> ledger.find(headers.commandId()));
    if (known.isPresent()) {
      // A redelivery: the reply already given goes out again, in case the first was lost in a
      // crash; the orchestrator drops whichever copy comes second.
      fromLedger.incrementAndGet();
      out.add(bytesKeyed(encoder.record(context, known.get())));
      return;
    }
    handled.incrementAndGet();
    Reply reply = call(handler, payload, context);
    if (reply instanceof Reply.NoReply) {
      return;
    }
    StepReply stepReply = encoder.stepReply(context, reply);
    out.add(bytesKeyed(encoder.record(context, stepReply)));
    answered.put(headers.commandId(), stepReply);
  }

  private Reply call(
      CommandHandler<SpecificRecord> handler, SpecificRecord payload, CommandContext context)
      throws InterruptedException {
    try {
      Reply reply = handler.handle(payload, context);
      if (reply == null) {
        throw new IllegalStateException("the handler returned null instead of a Reply");
      }
      return reply;
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      handlerFailures.incrementAndGet();
      LOG.warn(
          "Participant {}: the handler of {} threw; answering RETRIABLE_FAILURE {}",
          settings.name(),
          context,
          Participant.HANDLER_FAILED_CODE,
          e);
      // The exception's message may quote the command's personal data: the reply, which ends up
      // in the saga's history, names only its class.
      return Reply.retriableFailure(
          Participant.HANDLER_FAILED_CODE,
          e.getClass().getName() + " in the handler of " + context.commandType());
    }
  }

  private SpecificRecord decode(ConsumerRecord<byte[], byte[]> record) {
    if (record.value() == null) {
      throw PoisonCommandException.invalid("command has no value (a tombstone)");
    }
    try {
      return commands.deserialize(record.topic(), record.value());
    } catch (AvroDeserializationException e) {
      // A registry outage is a SchemaRegistryException instead and ends the loop: the record is
      // not at fault and must not be set aside.
      throw new PoisonCommandException(DeadLetterReason.DESERIALIZATION_FAILED, e.getMessage(), e);
    }
  }

  private static String key(ConsumerRecord<byte[], byte[]> record) {
    return record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
  }

  private static ProducerRecord<byte[], byte[]> bytesKeyed(ProducerRecord<String, byte[]> r) {
    return new ProducerRecord<>(
        r.topic(),
        r.partition(),
        r.timestamp(),
        r.key() == null ? null : r.key().getBytes(StandardCharsets.UTF_8),
        r.value(),
        r.headers());
  }
}
