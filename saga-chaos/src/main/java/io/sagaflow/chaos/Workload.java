package io.sagaflow.chaos;

import io.sagaflow.app.ClientProperties;
import io.sagaflow.app.config.SagaflowConfig;
import io.sagaflow.app.demo.StartRequests;
import io.sagaflow.app.modules.SagaModules;
import io.sagaflow.module.DemoData;
import io.sagaflow.serde.SchemaRegistry;
import io.sagaflow.topology.SagaTopics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The run's seeded workload, sent in slices, one per pause between faults and one after the last,
 * each spread evenly over its pause so that sagas are in flight whenever a fault lands. Undecodable
 * records (the bad inputs) go out among the start requests, so their dead letters are written under
 * the same faults.
 */
final class Workload implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Workload.class);
  private static final Duration TICK = Duration.ofMillis(250);

  private final List<List<StartedSaga>> slices;
  private final List<List<ProducerRecord<byte[], byte[]>>> badInputs;
  private final Map<String, DemoData> demos;
  private final StartRequests requests;
  private final KafkaProducer<byte[], byte[]> raw;
  private final LinkedBlockingQueue<Slice> queue = new LinkedBlockingQueue<>();
  private final AtomicInteger sent = new AtomicInteger();
  private final Thread sender;
  private volatile RuntimeException failure;

  private record Slice(int index, Duration over) {}

  Workload(
      SagaflowConfig config,
      SchemaRegistry schemas,
      SagaModules modules,
      String runId,
      List<StartedSaga> sagas,
      int slices,
      int badInputCount,
      long seed) {
    this.demos =
        modules.demoData().stream()
            .collect(Collectors.toMap(DemoData::sagaType, Function.identity()));
    this.slices = split(interleave(sagas), slices);
    this.badInputs = badInputs(runId, badInputCount, slices, seed);
    this.requests =
        new StartRequests(config, schemas, config.participants().seed(), modules.classLoader());
    this.raw =
        new KafkaProducer<>(
            ClientProperties.producer(config, "chaos-bad-inputs"),
            new ByteArraySerializer(),
            new ByteArraySerializer());
    this.sender = new Thread(this::loop, "chaos-workload");
    this.sender.setDaemon(true);
    this.sender.start();
  }

  /** Sends slice {@code index}, spread over {@code over}; returns at once. */
  void send(int index, Duration over) {
    queue.add(new Slice(index, over));
  }

  /** Start requests acknowledged by the broker so far. */
  int sent() {
    return sent.get();
  }

  /** Waits until the broker acknowledged the first start request. */
  void awaitFirstSent(Duration bound) throws InterruptedException {
    long deadline = System.nanoTime() + bound.toNanos();
    while (sent.get() == 0) {
      if (failure != null) {
        throw failure;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "No start request was acknowledged within " + bound.toSeconds() + " s");
      }
      TimeUnit.MILLISECONDS.sleep(50);
    }
  }

  /** Waits until every queued slice is sent. */
  void awaitSent(Duration bound) throws InterruptedException {
    queue.add(new Slice(-1, Duration.ZERO));
    sender.join(bound.toMillis());
    if (failure != null) {
      throw failure;
    }
    if (sender.isAlive()) {
      throw new IllegalStateException(
          "The workload was not sent within " + bound.toSeconds() + " s: " + sent() + " sent");
    }
  }

  private void loop() {
    try {
      while (true) {
        Slice slice = queue.take();
        if (slice.index() < 0) {
          return;
        }
        sendPaced(slices.get(slice.index()), badInputs.get(slice.index()), slice.over());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      failure = e;
      LOG.error("The workload stopped: {}", e, e);
    }
  }

  private void sendPaced(
      List<StartedSaga> sagas, List<ProducerRecord<byte[], byte[]>> bad, Duration over)
      throws InterruptedException {
    int ticks = (int) Math.max(1, over.toMillis() / TICK.toMillis());
    long start = System.nanoTime();
    int before = sent.get();
    for (int tick = 0; tick < ticks; tick++) {
      List<StartedSaga> batch =
          sagas.subList(sagas.size() * tick / ticks, sagas.size() * (tick + 1) / ticks);
      Map<String, List<String>> byType = new LinkedHashMap<>();
      batch.forEach(
          s -> byType.computeIfAbsent(s.sagaType(), t -> new ArrayList<>()).add(s.sagaId()));
      byType.forEach((type, ids) -> requests.send(demos.get(type), ids, sent::incrementAndGet));
      if (tick == ticks / 2) {
        sendBadInputs(bad);
      }
      long due = start + TICK.toNanos() * (tick + 1);
      long wait = due - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
    }
    LOG.info(
        "Sent {} start requests and {} bad inputs in {} ms (planned {} ms)",
        sent.get() - before,
        bad.size(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start),
        over.toMillis());
  }

  private void sendBadInputs(List<ProducerRecord<byte[], byte[]>> bad) throws InterruptedException {
    for (ProducerRecord<byte[], byte[]> record : bad) {
      try {
        raw.send(record).get();
      } catch (ExecutionException e) {
        throw new IllegalStateException("Could not send a bad input: " + e.getCause(), e);
      }
    }
  }

  /** The order saga 1, the transfer saga 1, the order saga 2, ...: every slice has both types. */
  private static List<StartedSaga> interleave(List<StartedSaga> sagas) {
    return sagas.stream()
        .sorted(
            Comparator.comparing(
                    (StartedSaga s) -> s.sagaId().substring(s.sagaId().lastIndexOf('-')))
                .thenComparing(StartedSaga::sagaType))
        .toList();
  }

  private static <T> List<List<T>> split(List<T> all, int parts) {
    List<List<T>> result = new ArrayList<>();
    for (int i = 0; i < parts; i++) {
      result.add(List.copyOf(all.subList(all.size() * i / parts, all.size() * (i + 1) / parts)));
    }
    return result;
  }

  /**
   * Undecodable records, seeded: random bytes whose first byte is never the registry wire format's
   * 0, so each is owed exactly one DESERIALIZATION_FAILED dead letter, on saga.requests or
   * saga.replies.
   */
  static List<List<ProducerRecord<byte[], byte[]>>> badInputs(
      String runId, int count, int slices, long seed) {
    Random random = new Random(seed ^ 0x5bd1e995L);
    List<List<ProducerRecord<byte[], byte[]>>> bySlice = new ArrayList<>();
    for (int i = 0; i < slices; i++) {
      bySlice.add(new ArrayList<>());
    }
    for (int i = 1; i <= count; i++) {
      byte[] value = new byte[1 + random.nextInt(200)];
      random.nextBytes(value);
      value[0] = (byte) (1 + random.nextInt(255));
      String topic = random.nextBoolean() ? SagaTopics.REQUESTS : SagaTopics.REPLIES;
      byte[] key =
          String.format(Locale.ROOT, "%s-bad-%03d", runId, i).getBytes(StandardCharsets.UTF_8);
      bySlice.get(random.nextInt(slices)).add(new ProducerRecord<>(topic, key, value));
    }
    return bySlice;
  }

  @Override
  public void close() {
    sender.interrupt();
    requests.close();
    raw.close();
  }
}
