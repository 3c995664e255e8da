package io.sagaflow.participant;

import io.opentelemetry.api.OpenTelemetry;
import io.sagaflow.contract.StepReply;
import io.sagaflow.serde.AvroDeserializer;
import io.sagaflow.topology.SagaLogContext;
import io.sagaflow.topology.SagaStreamsConfig;
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
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
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
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
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

  private static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

  private final Settings settings;
  private final Consumer<byte[], byte[]> consumer;
  private final Supplier<Producer<byte[], byte[]>> producers;
  private final CommandDispatcher dispatcher;
  private final CommandLedger ledger;
  private final BatchHook batchHook;
  private final ClientsHook clientsHook;
  private final CountDownLatch stopSignal = new CountDownLatch(1);
  // Replaced, with its binding, when a transactional producer can no longer abort (loop thread).
  private Producer<byte[], byte[]> producer;
  private AutoCloseable clientsBinding;
  private volatile Health health = Health.running();
  private volatile boolean stopping;

  private CommandLoop(
      Settings settings,
      Consumer<byte[], byte[]> consumer,
      Supplier<Producer<byte[], byte[]>> producers,
      Producer<byte[], byte[]> producer,
      CommandDispatcher dispatcher,
      CommandLedger ledger,
      BatchHook batchHook,
      ClientsHook clientsHook,
      AutoCloseable clientsBinding) {
    this.settings = settings;
    this.consumer = consumer;
    this.producers = producers;
    this.producer = producer;
    this.dispatcher = dispatcher;
    this.ledger = ledger;
    this.batchHook = batchHook;
    this.clientsHook = clientsHook;
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
    // As the processor's consumers (SagaStreamsConfig): with Kafka's fixed 64 KiB, fetch
    // responses larger than it arrived about 200 ms late on loopback; the kernel's autotuned
    // buffer did not show that. A configured receive.buffer.bytes wins.
    consumerProps.putIfAbsent(
        ConsumerConfig.RECEIVE_BUFFER_CONFIG, SagaStreamsConfig.AUTOTUNED_RECEIVE_BUFFER);
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
    Map<String, Object> producerSettings = Map.copyOf(producerProps);
    Supplier<Producer<byte[], byte[]>> producers =
        () ->
            new KafkaProducer<>(
                producerSettings, new ByteArraySerializer(), new ByteArraySerializer());
    Producer<byte[], byte[]> producer;
    try {
      producer = producers.get();
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
        settings,
        consumer,
        producers,
        producer,
        dispatcher,
        ledger,
        batchHook,
        clientsHook,
        clientsBinding);
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
    stopSignal.countDown();
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
    } catch (TimeoutException e) {
      if (stopping) {
        // Closing while the broker is away: what the batch left open is aborted by the broker
        // after transaction.timeout.ms, or at once by the next instance with this id.
        LOG.warn(
            "Participant {} stopped with its batch unwritten: the broker did not answer ({})",
            settings.name(),
            e.getMessage());
      } else {
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
    unbindClients();
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
      if (!writeAll(out)) {
        rewind(batch);
        return;
      }
      // Written: from here on a redelivery is answered from the ledger, even if the commit fails.
      answered.forEach(ledger::record);
      if (!commit(offsets)) {
        rewind(batch);
      }
    }
  }

  /**
   * Writes the batch's records and offsets in one transaction; false when it was aborted instead
   * (the group rebalanced meanwhile, or the broker failed it) and the batch is to be read again.
   */
  private boolean writeInTransaction(
      List<ProducerRecord<byte[], byte[]>> out, Map<TopicPartition, OffsetAndMetadata> offsets)
      throws InterruptedException {
    // commitTransaction fails if any send failed; the sends say whether retrying can help.
    List<Future<RecordMetadata>> sends = new ArrayList<>(out.size());
    try {
      producer.beginTransaction();
      out.forEach(r -> sends.add(producer.send(r)));
      producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
      untilNoTimeout("commit its transaction", producer::commitTransaction);
      return true;
    } catch (CommitFailedException e) {
      // Another instance joined or left while the batch was handled: the offsets belong to an
      // older generation of the group. Nothing of the batch becomes visible.
      LOG.info(
          "Participant {}: the group rebalanced during a batch; its transaction is aborted and the"
              + " batch is read again ({})",
          settings.name(),
          e.getMessage());
      abortOrReplaceProducer();
      return false;
    } catch (KafkaException e) {
      if (cannotRecover(e)) {
        throw e;
      }
      Optional<Throwable> rejected = rejectedForGood(sends);
      if (rejected.isPresent()) {
        // Written again it would be refused again, batch after batch.
        throw notWritten(rejected.get());
      }
      // The broker failed the transaction. Most often it outlived transaction.timeout.ms (a broker
      // restart in the middle of it, a stalled instance) and the coordinator aborted it, which the
      // producer hears as being fenced. Nothing of the batch is visible; read again, it is
      // answered once.
      LOG.warn(
          "Participant {}: the broker failed a batch's transaction; it is aborted and the batch is"
              + " read again ({})",
          settings.name(),
          e.toString());
      abortOrReplaceProducer();
      return false;
    }
  }

  /**
   * Settings, permissions, and a consumer fenced by a newer member with its group.instance.id:
   * trying again cannot help. A fenced producer is not among them: a transaction the coordinator
   * aborted on its timeout fences it in just the same way as a newer instance would.
   */
  private static boolean cannotRecover(KafkaException e) {
    return e instanceof AuthenticationException
        || e instanceof AuthorizationException
        || e instanceof UnsupportedVersionException
        || e instanceof FencedInstanceIdException;
  }

  /** The first send the broker or the client refused for the record itself, not for the moment. */
  private static Optional<Throwable> rejectedForGood(List<Future<RecordMetadata>> sends) {
    for (Future<RecordMetadata> send : sends) {
      if (send.isDone()) {
        try {
          send.get();
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          if (cause instanceof RecordTooLargeException
              || cause instanceof RecordBatchTooLargeException
              || cause instanceof InvalidRecordException
              || cause instanceof InvalidTopicException) {
            return Optional.of(cause);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return Optional.empty();
        } catch (CancellationException e) {
          // not a verdict on the record
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Aborts the open transaction. A producer in a fatal state cannot, and is replaced: the new one's
   * initTransactions aborts what the old one left open.
   */
  private void abortOrReplaceProducer() throws InterruptedException {
    try {
      untilNoTimeout("abort its transaction", producer::abortTransaction);
      return;
    } catch (KafkaException e) {
      if (cannotRecover(e)) {
        throw e;
      }
      LOG.warn(
          "Participant {}: its producer cannot abort its transaction ({}); it is replaced by a new"
              + " one with the same transactional id",
          settings.name(),
          e.toString());
    }
    unbindClients();
    producer.close(Duration.ZERO);
    Duration backoff = FIRST_BACKOFF;
    while (true) {
      Producer<byte[], byte[]> next = producers.get();
      try {
        next.initTransactions();
        producer = next;
        break;
      } catch (TimeoutException e) {
        next.close(Duration.ZERO);
        if (stopping) {
          throw e;
        }
        LOG.warn(
            "Participant {}: its new producer could not start a transactional session yet ({});"
                + " trying again in {} ms",
            settings.name(),
            e.getMessage(),
            backoff.toMillis());
        if (stopSignal.await(backoff.toMillis(), TimeUnit.MILLISECONDS)) {
          throw e;
        }
        backoff = min(backoff.multipliedBy(2), MAX_BACKOFF);
      } catch (RuntimeException e) {
        next.close(Duration.ZERO);
        throw e;
      }
    }
    clientsBinding = clientsHook.created(consumer, producer);
  }

  /**
   * Runs a transactional call that waits at most max.block.ms and may be called again after a
   * timeout (a broker that is down or restarting), until it ends otherwise or the loop stops.
   */
  private void untilNoTimeout(String what, Runnable call) {
    while (true) {
      try {
        call.run();
        return;
      } catch (TimeoutException e) {
        if (stopping) {
          throw e;
        }
        LOG.warn(
            "Participant {}: its producer could not {} within max.block.ms; trying again ({})",
            settings.name(),
            what,
            e.getMessage());
      }
    }
  }

  /**
   * Writes the records; false when the broker did not take them in time and the batch is to be read
   * again.
   */
  private boolean writeAll(List<ProducerRecord<byte[], byte[]>> out) throws InterruptedException {
    List<Future<RecordMetadata>> sends = new ArrayList<>(out.size());
    out.forEach(r -> sends.add(producer.send(r)));
    boolean written = true;
    for (Future<RecordMetadata> send : sends) {
      try {
        send.get();
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof RetriableException)) {
          throw notWritten(e.getCause());
        }
        if (written) {
          // The batch is handled again: the replies that did get through arrive twice, and the
          // processor keeps the first of each.
          LOG.warn(
              "Participant {}: the broker did not take a batch's replies within delivery.timeout.ms;"
                  + " the batch is read again ({})",
              settings.name(),
              e.getCause().toString());
        }
        written = false;
      }
    }
    return written;
  }

  private IllegalStateException notWritten(Throwable cause) {
    return new IllegalStateException(
        "Participant "
            + settings.name()
            + " could not write a reply or dead letter: "
            + cause.getMessage(),
        cause);
  }

  /** Commits the batch's offsets; false when the group is rebalancing and refused them. */
  private boolean commit(Map<TopicPartition, OffsetAndMetadata> offsets) {
    try {
      consumer.commitSync(offsets);
      return true;
    } catch (TimeoutException e) {
      // The replies are written and the ledger has them: the batch read again is answered from it.
      LOG.warn(
          "Participant {}: the broker did not take a batch's offsets within"
              + " default.api.timeout.ms; the batch is read again ({})",
          settings.name(),
          e.getMessage());
      return false;
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

  private void unbindClients() {
    try {
      clientsBinding.close();
    } catch (Exception e) {
      LOG.debug("Participant {}: closing what was bound to its clients failed", settings.name(), e);
    }
    clientsBinding = () -> {};
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
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
