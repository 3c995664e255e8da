package io.sagaflow.topology;

import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The Kafka Streams settings the saga processor relies on, on top of the caller's own. The
 * guarantees are not optional: exactly-once v2 (state, timers and outputs commit with the input),
 * explicit names for every internal resource, dead-letter handlers, bounded RocksDB memory.
 */
public final class SagaStreamsConfig {
  private static final long COMMIT_INTERVAL_MS = 100;
  private static final long MAX_LINGER_MS = 1000;

  /** {@code receive.buffer.bytes} that leaves the size to the operating system's autotuning. */
  public static final String AUTOTUNED_RECEIVE_BUFFER = "-1";

  private static final String GLOBAL_HANDLER_ENABLED =
      "processing.exception.handler.global.enabled";

  private SagaStreamsConfig() {}

  /**
   * Streams properties: {@code base} (bootstrap servers, application id, tuning) with the saga
   * processor's required settings applied over it.
   */
  public static Properties create(Map<String, ?> base, DeadLetters deadLetters) {
    Properties props = new Properties();
    props.putAll(base);
    props.putIfAbsent(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, String.valueOf(COMMIT_INTERVAL_MS));
    // Requests and replies of one saga share a task; their relative timestamp order does not matter
    // to the engine, so a task never idles waiting for the other input to catch up.
    props.putIfAbsent(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, "-1");
    // See ClientProperties in saga-app: a read_committed fetch that finds only uncommitted records
    // waits fetch.max.wait.ms (500 ms by default) before answering.
    props.putIfAbsent(
        StreamsConfig.mainConsumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), "20");
    // With Kafka's fixed 64 KiB receive buffer, fetch responses larger than it reached the
    // consumer about 200 ms after the broker sent them (measured on loopback, whose segments are
    // 64 KiB); with the kernel's autotuned buffer they did not (docs/benchmarks.md).
    if (!props.containsKey(ConsumerConfig.RECEIVE_BUFFER_CONFIG)) {
      props.putIfAbsent(
          StreamsConfig.consumerPrefix(ConsumerConfig.RECEIVE_BUFFER_CONFIG),
          AUTOTUNED_RECEIVE_BUFFER);
    }
    // Outputs of a transaction are invisible to read_committed consumers until the commit, so the
    // producer may hold them until then: the commit's flush sends one request with every
    // partition's batch, instead of many small requests the broker pays for one by one.
    producerDefault(props, ProducerConfig.LINGER_MS_CONFIG, lingerFor(props));
    // Without transactional state stores every store reports zero uncommitted bytes, yet Kafka
    // Streams asks each of them after every round of processing (about 1% of the stream thread in
    // a profile); -1 skips the question. With them, Kafka's early-commit limit stays.
    if (!"true"
        .equalsIgnoreCase(
            String.valueOf(props.get(StreamsConfig.TRANSACTIONAL_STATE_STORES_CONFIG)).strip())) {
      props.putIfAbsent(StreamsConfig.STATESTORE_UNCOMMITTED_MAX_BYTES_CONFIG, "-1");
    }
    producerDefault(props, ProducerConfig.BATCH_SIZE_CONFIG, "65536");
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, "true");
    // errors.dead.letter.queue.topic.name stays unset on purpose: our handlers address the
    // dead-letter topic themselves, while with it set Kafka's default production handler would
    // write the raw input there too, a second record whose value is not a DeadLetter.
    props.remove(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
    props.put(
        StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
        DeadLetterHandlers.Deserialization.class.getName());
    props.put(
        StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
        DeadLetterHandlers.Processing.class.getName());
    // The global thread (the saga-rollouts store) hands a record it cannot process to the same
    // dead-letter handler as the stream threads, the behaviour Kafka Streams makes the default in
    // 5.0; left at the old default it logs a WARN at every start. By name: the constant is
    // deprecated already, as the switch to the new default's transition aid. The partition
    // assignor parses the main consumer's settings as Streams settings again, and warns again
    // unless the key travels with them under the main consumer's prefix.
    props.put(GLOBAL_HANDLER_ENABLED, "true");
    props.put(StreamsConfig.mainConsumerPrefix(GLOBAL_HANDLER_ENABLED), "true");
    props.put(
        StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG,
        BoundedMemoryRocksDbConfig.class.getName());
    props.put(DeadLetters.CONFIG, deadLetters);
    return props;
  }

  /**
   * The commit interval, capped at a second: a longer linger gains nothing more and would soon
   * collide with the producer's rule that delivery.timeout.ms cover linger.ms plus
   * request.timeout.ms. An unreadable interval is left for Kafka Streams to reject by name.
   */
  private static String lingerFor(Properties props) {
    String interval = String.valueOf(props.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG)).strip();
    try {
      return String.valueOf(Math.max(0, Math.min(MAX_LINGER_MS, Long.parseLong(interval))));
    } catch (NumberFormatException e) {
      return String.valueOf(COMMIT_INTERVAL_MS);
    }
  }

  /** Sets a producer setting unless the caller set it, with or without the producer prefix. */
  private static void producerDefault(Properties props, String name, String value) {
    if (!props.containsKey(name) && !props.containsKey(StreamsConfig.producerPrefix(name))) {
      props.put(StreamsConfig.producerPrefix(name), value);
    }
  }
}
