package io.sagaflow.participant;

import io.opentelemetry.api.OpenTelemetry;
import io.sagaflow.contract.StepReply;
import io.sagaflow.serde.AvroDeserializer;
import io.sagaflow.topology.SagaLogContext;
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
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.CommitFailedException;
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
import org.apache.kafka.common.errors.RebalanceInProgressException;
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
  private final CommandDispatcher dispatcher;
  private final CommandLedger ledger;
  private final BatchHook batchHook;
  private final AutoCloseable clientsBinding;
  private volatile Health health = Health.running();
  private volatile boolean stopping;

  private CommandLoop(
      Settings settings,
      Consumer<byte[], byte[]> consumer,
      Producer<byte[], byte[]> producer,
      CommandDispatcher dispatcher,
      CommandLedger ledger,
      BatchHook batchHook,
      AutoCloseable clientsBinding) {
    this.settings = settings;
    this.consumer = consumer;
    this.producer = producer;
    this.dispatcher = dispatcher;
    this.ledger = ledger;
    this.batchHook = batchHook;
    this.clientsBinding = clientsBinding;
  }

  static CommandLoop create(
      Settings settings,
      io.sagaflow.serde.SchemaRegistry registry,
      boolean autoRegister,
      ClassLoader classes,
      Handlers handlers,
      CommandLedger ledger,
      BatchHook batchHook,
      ClientsHook clientsHook,
      Clock clock,
      OpenTelemetry openTelemetry) {
    Map<String, Object> consumerProps = new HashMap<>(settings.client());
    consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
    consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // The processor writes commands in its transactions: a command of an aborted one was never
    // sent, and its retry comes committed.
    consumerProps.put(
        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
        IsolationLevel.READ_COMMITTED.name().toLowerCase(Locale.ROOT));
    consumerProps.putAll(settings.consumer());
    // Offsets are committed by the loop, after the replies: never before.
    consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    Map<String, Object> producerProps = new HashMap<>(settings.client());
    producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
    producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    producerProps.putAll(settings.producer());
    if (settings.mode() == DeliveryMode.TRANSACTIONAL) {
      // Exactly one reply per command holds only if no command of an aborted batch is read.
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
    AutoCloseable clientsBinding;
    try {
      clientsBinding = clientsHook.created(consumer, producer);
    } catch (RuntimeException e) {
      consumer.close();
      producer.close();
      throw e;
    }
    CommandDispatcher dispatcher =
        new CommandDispatcher(
            settings.name(),
            AvroDeserializer.anySpecific(registry, classes),
            ReplyEncoder.create(settings.name(), registry, autoRegister, classes, clock),
            handlers,
            ledger,
            new DeadLetters(settings.deadLetterTopic(), clock),
            new CommandSpans(openTelemetry));
    return new CommandLoop(
        settings, consumer, producer, dispatcher, ledger, batchHook, clientsBinding);
  }

  Health health() {
    return health;
  }

  ParticipantStats stats() {
    return dispatcher.stats();
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
      clientsBinding.close();
    } catch (Exception e) {
      LOG.debug("Participant {}: closing what was bound to its clients failed", settings.name(), e);
    }
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

  @SuppressWarnings("try") // the context is the MDC the handler's own log lines carry
  private void answer(ConsumerRecords<byte[], byte[]> batch) throws InterruptedException {
    List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
    Map<UUID, StepReply> answered = new LinkedHashMap<>();
    for (ConsumerRecord<byte[], byte[]> record : batch) {
      try (SagaLogContext log =
          SagaLogContext.fromHeaders(
              record.headers(),
              record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8))) {
        dispatcher.dispatch(record, out, answered);
      }
    }
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (TopicPartition partition : batch.partitions()) {
      List<ConsumerRecord<byte[], byte[]>> records = batch.records(partition);
      offsets.put(partition, new OffsetAndMetadata(records.get(records.size() - 1).offset() + 1));
    }
    if (settings.mode() == DeliveryMode.TRANSACTIONAL) {
      if (writeInTransaction(out, offsets)) {
        answered.forEach(ledger::record);
      } else {
        rewind(batch);
      }
    } else {
      writeAll(out);
      // Written: from here on a redelivery is answered from the ledger, even if the commit fails.
      answered.forEach(ledger::record);
      if (!commit(offsets)) {
        rewind(batch);
      }
    }
  }

  /**
   * Writes the batch's records and offsets in one transaction; false when the group rebalanced
   * meanwhile and the transaction was aborted.
   */
  // commitTransaction fails if any send of the transaction failed: the Futures add nothing.
  @SuppressWarnings("FutureReturnValueIgnored")
  private boolean writeInTransaction(
      List<ProducerRecord<byte[], byte[]>> out, Map<TopicPartition, OffsetAndMetadata> offsets) {
    producer.beginTransaction();
    try {
      out.forEach(producer::send);
      producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
      producer.commitTransaction();
      return true;
    } catch (CommitFailedException e) {
      // Another instance joined or left while the batch was handled: the offsets belong to an
      // older generation of the group. Nothing of the batch becomes visible.
      producer.abortTransaction();
      LOG.info(
          "Participant {}: the group rebalanced during a batch; its transaction is aborted and the"
              + " batch is read again ({})",
          settings.name(),
          e.getMessage());
      return false;
    }
  }

  private void writeAll(List<ProducerRecord<byte[], byte[]>> out) throws InterruptedException {
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
  }

  /** Commits the batch's offsets; false when the group is rebalancing and refused them. */
  private boolean commit(Map<TopicPartition, OffsetAndMetadata> offsets) {
    try {
      consumer.commitSync(offsets);
      return true;
    } catch (RebalanceInProgressException | CommitFailedException e) {
      // The replies are written; whoever owns the partitions next reads the batch again and
      // answers from its ledger, or handles it again, and the processor drops the second replies.
      LOG.info(
          "Participant {}: the group rebalanced during a batch; its offsets were not committed and"
              + " the batch is read again ({})",
          settings.name(),
          e.getMessage());
      return false;
    }
  }

  /** Moves back to the batch's first records on the partitions this consumer still has. */
  private void rewind(ConsumerRecords<byte[], byte[]> batch) {
    Set<TopicPartition> assigned = consumer.assignment();
    for (TopicPartition partition : batch.partitions()) {
      if (assigned.contains(partition)) {
        consumer.seek(partition, batch.records(partition).get(0).offset());
      }
    }
  }
}
