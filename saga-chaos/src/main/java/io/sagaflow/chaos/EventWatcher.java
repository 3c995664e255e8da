package io.sagaflow.chaos;

import io.sagaflow.app.demo.SagaProgress;
import io.sagaflow.contract.SagaEvent;
import io.sagaflow.serde.AvroDeserializer;
import io.sagaflow.serde.SchemaRegistry;
import io.sagaflow.topology.SagaTopics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows {@code saga.events} read_committed, as any downstream consumer would: the run's progress
 * (which sagas have settled) and the moment work resumes after a fault, seen as the first committed
 * event written after it.
 */
final class EventWatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EventWatcher.class);

  private final KafkaConsumer<String, byte[]> consumer;
  private final AvroDeserializer<SagaEvent> events;
  private final String prefix;
  private final SagaProgress progress;
  private final List<Probe> probes = new CopyOnWriteArrayList<>();
  private final AtomicLong unreadable = new AtomicLong();
  private final Thread thread;
  private volatile boolean running = true;

  /**
   * Waits for the first committed event at or past given offsets, timed from a fault.
   *
   * @param from per saga.events partition, the offset a new event must reach
   * @param since {@link System#nanoTime()} of the fault
   * @param done completed with the time from the fault to that event
   */
  record Probe(Map<Integer, Long> from, long since, CompletableFuture<Duration> done) {}

  private EventWatcher(
      KafkaConsumer<String, byte[]> consumer,
      AvroDeserializer<SagaEvent> events,
      String prefix,
      SagaProgress progress) {
    this.consumer = consumer;
    this.events = events;
    this.prefix = prefix;
    this.progress = progress;
    this.thread = new Thread(this::loop, "chaos-event-watcher");
    this.thread.setDaemon(true);
  }

  /** Reads saga.events from the beginning; sagas whose id starts with {@code prefix} count. */
  static EventWatcher start(
      String bootstrapServers, SchemaRegistry schemas, String prefix, int sagas) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(
        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
        IsolationLevel.READ_COMMITTED.name().toLowerCase(Locale.ROOT));
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    // As the participants do: a read_committed fetch with only open transactions in it otherwise
    // waits 500 ms, which would blur the recovery times measured here.
    props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "20");
    KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    List<TopicPartition> partitions =
        consumer.partitionsFor(SagaTopics.EVENTS, Duration.ofSeconds(60)).stream()
            .map(p -> new TopicPartition(p.topic(), p.partition()))
            .toList();
    if (partitions.isEmpty()) {
      consumer.close();
      throw new IllegalStateException(
          SagaTopics.EVENTS + " does not exist yet: the first processor creates it at start.");
    }
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    EventWatcher watcher =
        new EventWatcher(
            consumer,
            SagaTopics.EVENT_RECORDS.deserializer(schemas),
            prefix,
            new SagaProgress(sagas, Instant.now()));
    watcher.thread.start();
    return watcher;
  }

  /** Statuses of the run's sagas so far. */
  SagaProgress progress() {
    return progress;
  }

  /** Events that could not be decoded (each is also logged). */
  long unreadable() {
    return unreadable.get();
  }

  /**
   * Starts waiting for the first committed event at or past {@code from} on any of its partitions.
   */
  CompletableFuture<Duration> firstEventFrom(Map<Integer, Long> from, long sinceNanos) {
    Probe probe = new Probe(Map.copyOf(from), sinceNanos, new CompletableFuture<>());
    probes.add(probe);
    return probe.done();
  }

  private void loop() {
    try {
      while (running) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
          settle(record);
          track(record);
        }
      }
    } catch (WakeupException e) {
      if (running) {
        LOG.error("The saga.events watcher was woken up unexpectedly", e);
      }
    } catch (RuntimeException e) {
      LOG.error("The saga.events watcher stopped: {}", e, e);
    } finally {
      consumer.close();
    }
  }

  private void settle(ConsumerRecord<String, byte[]> record) {
    long now = System.nanoTime();
    probes.removeIf(
        probe -> {
          Long from = probe.from().get(record.partition());
          boolean reached = from != null && record.offset() >= from;
          if (reached) {
            probe.done().complete(Duration.ofNanos(now - probe.since()));
          }
          return reached;
        });
  }

  private void track(ConsumerRecord<String, byte[]> record) {
    if (record.key() == null || !record.key().startsWith(prefix) || record.value() == null) {
      return;
    }
    try {
      progress.apply(events.deserialize(record.topic(), record.value()));
    } catch (RuntimeException e) {
      unreadable.incrementAndGet();
      LOG.error(
          "Unreadable event at {}-{}@{}: {}",
          record.topic(),
          record.partition(),
          record.offset(),
          e.toString());
    }
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
