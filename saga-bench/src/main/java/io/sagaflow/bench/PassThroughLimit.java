package io.sagaflow.bench;

import io.sagaflow.embedded.kafka.EmbeddedKafkaBroker;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The ceiling a saga processor is measured against: an exactly-once stateful pass-through (one
 * store get, one put and one forward per record) on the same broker, with the same commit interval,
 * partitions and thread count.
 */
final class PassThroughLimit {
  private static final String GLOBAL_HANDLER_ENABLED =
      "processing.exception.handler.global.enabled";

  private final EmbeddedKafkaBroker broker;
  private final BenchTopics topics;

  PassThroughLimit(EmbeddedKafkaBroker broker, BenchTopics topics) {
    this.broker = broker;
    this.topics = topics;
  }

  /**
   * What one pass-through run measured.
   *
   * @param recordsPerSecond records processed end to end (committed on the output topic) per second
   * @param processorMicrosPerRecord CPU of the stream thread and its producer's network thread per
   *     record, the same threads a saga phase's "processor CPU per saga input" counts
   * @param processorBytesPerRecord heap bytes those threads allocated per record
   */
  record Result(
      double recordsPerSecond, double processorMicrosPerRecord, double processorBytesPerRecord) {}

  /** Runs the pass-through over {@code records} records with Kafka's default client settings. */
  Result run(String label, int records, int partitions) throws Exception {
    return run(label, records, partitions, Map.of());
  }

  /** The same with extra Streams/client settings (for instance the saga processor's tuning). */
  Result run(String label, int records, int partitions, Map<String, String> tuning)
      throws Exception {
    String in = topics.create(label + "-in", partitions);
    String out = topics.create(label + "-out", partitions);
    BenchProducer.fill(broker.bootstrapServers(), in, records, 50);

    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "bench-" + label);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100");
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, "1");
    props.put(StreamsConfig.STATE_DIR_CONFIG, topics.stateDir(label).toString());
    props.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
    // No global store here: set only to keep Kafka Streams' start-up WARN about the global
    // thread's handler (see SagaStreamsConfig) out of the benchmark's log.
    props.put(GLOBAL_HANDLER_ENABLED, "true");
    props.put(StreamsConfig.mainConsumerPrefix(GLOBAL_HANDLER_ENABLED), "true");
    props.putAll(tuning);

    Topology topology = new Topology();
    topology.addSource(
        "source", Serdes.String().deserializer(), Serdes.ByteArray().deserializer(), in);
    topology.addProcessor("pass", PassThrough::new, "source");
    topology.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore("pass-store"), Serdes.String(), Serdes.ByteArray()),
        "pass");
    topology.addSink(
        "sink", out, Serdes.String().serializer(), Serdes.ByteArray().serializer(), "pass");

    try (KafkaStreams streams = new KafkaStreams(topology, props)) {
      long start = System.nanoTime();
      CpuBreakdown cpu = CpuBreakdown.start(CpuBreakdown.limitRoles("bench-" + label));
      streams.start();
      CommittedCounter.awaitCount(broker.bootstrapServers(), out, records, Duration.ofMinutes(10));
      double seconds = (System.nanoTime() - start) / 1e9;
      CpuBreakdown.Usage used = cpu.measure();
      System.out.printf("  %s %s%n", label, used.describe());
      streams.close(Duration.ofSeconds(30));
      return new Result(
          records / seconds,
          used.seconds(CpuBreakdown.PROCESSOR) * 1e6 / records,
          (double) used.allocatedBytes(CpuBreakdown.PROCESSOR) / records);
    }
  }

  private static final class PassThrough implements Processor<String, byte[], String, byte[]> {
    private ProcessorContext<String, byte[]> context;
    private KeyValueStore<String, byte[]> store;

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
      this.context = context;
      this.store = context.getStateStore("pass-store");
    }

    @Override
    public void process(Record<String, byte[]> record) {
      byte[] previous = store.get(record.key());
      store.put(record.key(), record.value());
      context.forward(record.withValue(previous == null ? record.value() : previous));
    }
  }
}
