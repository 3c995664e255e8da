package io.sagaflow.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.sagaflow.embedded.TempDirs;
import io.sagaflow.embedded.kafka.KafkaBrokerExtension;
import io.sagaflow.embedded.kafka.TestKafka;
import io.sagaflow.serde.InMemorySchemaRegistry;
import io.sagaflow.topology.SagaCounters;
import io.sagaflow.topology.SagaTopology;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Stream threads that really die, on the embedded broker, seen over real HTTP. The processor is a
 * test-only topology (a store named like the saga-state store, so readiness can query it, and a
 * sink) whose output topic accepts at most 1 KiB per record: a larger input fails its send with
 * RecordTooLargeException, Kafka's default production handler fails the thread, the replacement
 * retries the same record and dies the same way. The black-box finding this answers was the same
 * loop on a dead letter too large for its topic.
 */
@ExtendWith(KafkaBrokerExtension.class)
class CrashLoopHealthIT {
  /**
   * Each turn of the loop waits for the dead thread's session to time out (6 s here, the broker's
   * minimum): the window holds two turns and is short enough for the test to see it pass.
   */
  private static final Duration WINDOW = Duration.ofSeconds(30);

  private static final int SESSION_TIMEOUT_MS = 6_000;

  private static final int MAX = 1;
  private static final String POISON = "p".repeat(4096);

  @Test
  void shouldBeUnreadyWhileThreadsDieInALoopAndReadyOnceTheyStopForAWindow(TestKafka kafka)
      throws Exception {
    StreamThreadReplacements replacements =
        new StreamThreadReplacements(MAX, WINDOW, Clock.systemUTC());
    try (Poisoned processor =
        new Poisoned(kafka, replacements, StreamThreadExceptionResponse.REPLACE_THREAD)) {
      // Given a processor that is ready
      Http http = new Http(processor.server.port());
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> http.get("/health/ready").statusCode() == 200);

      // When a record arrives whose output its topic refuses
      processor.send(POISON);

      // Then its threads are replaced in a loop and readiness says so, naming the failure
      AtomicReference<HttpResponse<String>> unready = new AtomicReference<>();
      await()
          // The dying stream threads' exceptions are the subject here, not a test failure.
          .dontCatchUncaughtExceptions()
          .atMost(Duration.ofSeconds(90))
          .until(() -> tooMany(remember(unready, http.get("/health/ready"))));
      HttpResponse<String> response = unready.get();
      assertThat(response.statusCode()).isEqualTo(503);
      JsonNode body = Http.json(response);
      assertThat(body.get("status").asText()).isEqualTo("NOT_READY");
      JsonNode section = body.get("streamThreadReplacements");
      assertThat(section.get("max").asInt()).isEqualTo(MAX);
      assertThat(section.get("window").asText()).isEqualTo(WINDOW.toString());
      assertThat(section.get("last").get("exception").asText())
          .isEqualTo(StreamsException.class.getName());
      assertThat(section.get("last").get("message").asText())
          .contains("Error encountered sending record to topic " + processor.output);
      assertThat(section.get("last").get("rootCause").asText())
          .startsWith(RecordTooLargeException.class.getName());
      assertThat(body.get("detail").asText())
          .contains("Stream threads keep dying: " + section.get("inWindow").asInt() + " were")
          .contains("RecordTooLargeException");
      assertThat(response.body()).doesNotContain("pppppppp");
      // A restart would meet the same record: liveness stays up (docs/operations.md).
      assertThat(http.get("/health/live").statusCode()).isEqualTo(200);
      assertThat(http.get("/metrics").body())
          .containsPattern("sagaflow_stream_thread_replacements_total [1-9]");

      // When the topic accepts the record after all
      processor.allowLargeOutput();

      // Then the replacements stop, and once the last has left the window the instance is ready
      await()
          .dontCatchUncaughtExceptions()
          .atMost(WINDOW.plus(Duration.ofSeconds(90)))
          .until(() -> http.get("/health/ready").statusCode() == 200);
      long total = replacements.snapshot().total();
      JsonNode ready = Http.json(http.get("/health/ready"));
      assertThat(ready.get("streamThreadReplacements").get("inWindow").asInt()).isLessThan(2);
      assertThat(ready.get("streamThreadReplacements").get("total").asLong()).isEqualTo(total);
      assertThat(processor.awaitOutput()).containsExactly(POISON);
    }
  }

  @Test
  void shouldFailLivenessOnceKafkaStreamsHasStoppedForGood(TestKafka kafka) throws Exception {
    StreamThreadReplacements replacements =
        new StreamThreadReplacements(MAX, WINDOW, Clock.systemUTC());
    try (Poisoned processor =
        new Poisoned(kafka, replacements, StreamThreadExceptionResponse.SHUTDOWN_CLIENT)) {
      Http http = new Http(processor.server.port());
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> http.get("/health/ready").statusCode() == 200);

      processor.send(POISON);

      await()
          .dontCatchUncaughtExceptions()
          .atMost(Duration.ofSeconds(60))
          .until(() -> http.get("/health/live").statusCode() == 503);
      JsonNode live = Http.json(http.get("/health/live"));
      assertThat(live.get("status").asText()).isEqualTo("DOWN");
      // Kafka Streams stays PENDING_ERROR until it is closed; both are final.
      assertThat(live.get("streamsState").asText()).isIn("PENDING_ERROR", "ERROR");
      assertThat(live.get("detail").asText()).contains("Restart the instance");
      HttpResponse<String> ready = http.get("/health/ready");
      assertThat(ready.statusCode()).isEqualTo(503);
      assertThat(Http.json(ready).get("detail").asText())
          .contains("ERROR")
          .contains("will not recover by itself");
      // Nothing was replaced: the handler stopped the client instead.
      assertThat(Http.json(ready).get("streamThreadReplacements").get("total").asLong()).isZero();
    }
  }

  private static HttpResponse<String> remember(
      AtomicReference<HttpResponse<String>> holder, HttpResponse<String> response) {
    holder.set(response);
    return response;
  }

  private static boolean tooMany(HttpResponse<String> response) {
    return Http.json(response).get("streamThreadReplacements").get("inWindow").asInt() > MAX;
  }

  /**
   * The test-only processor, its API server and the topics around it. Its store is named like the
   * saga-state store because readiness asks that store whether it answers queries.
   */
  private static final class Poisoned implements AutoCloseable {
    final String input;
    final String output;
    final KafkaStreams streams;
    final SagaApiServer server;
    private final TestKafka kafka;
    private final Path stateDir = TempDirs.create("crash-loop");

    Poisoned(
        TestKafka kafka,
        StreamThreadReplacements replacements,
        StreamThreadExceptionResponse response)
        throws Exception {
      this.kafka = kafka;
      this.input = kafka.createTopic("crash-loop-in", 1);
      this.output =
          kafka.createTopic(
              "crash-loop-out", 1, Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "1024"));
      Properties props = new Properties();
      props.put(StreamsConfig.APPLICATION_ID_CONFIG, kafka.uniqueName("crash-loop"));
      props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
      props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
      props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
      props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
      props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
      props.put(
          StreamsConfig.mainConsumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG),
          SESSION_TIMEOUT_MS);
      props.put(
          StreamsConfig.mainConsumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG),
          SESSION_TIMEOUT_MS / 4);
      streams = new KafkaStreams(topology(input, output), props);
      streams.setUncaughtExceptionHandler(replacements.counting(e -> response));
      streams.start();
      // The saga routes are not under test: they get a registry and a producer that go nowhere.
      server =
          new SagaApiServer(
                  streams,
                  RunningProcessor.SAGAS,
                  new InMemorySchemaRegistry(),
                  new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer()),
                  new SagaCounters(),
                  ApiSettings.defaults(),
                  HealthSignals.of(replacements))
              .start();
    }

    private static Topology topology(String input, String output) {
      Topology topology = new Topology();
      topology.addSource(
          "crash-loop-source",
          Serdes.String().deserializer(),
          Serdes.String().deserializer(),
          input);
      topology.addProcessor("crash-loop-copy", Copy::new, "crash-loop-source");
      topology.addStateStore(
          Stores.keyValueStoreBuilder(
              Stores.persistentKeyValueStore(SagaTopology.STATE_STORE),
              Serdes.String(),
              Serdes.String()),
          "crash-loop-copy");
      topology.addSink(
          "crash-loop-sink",
          output,
          Serdes.String().serializer(),
          Serdes.String().serializer(),
          "crash-loop-copy");
      return topology;
    }

    void send(String value) throws Exception {
      try (KafkaProducer<String, String> producer =
          new KafkaProducer<>(
              kafka.clientProperties(), new StringSerializer(), new StringSerializer())) {
        producer.send(new ProducerRecord<>(input, "k", value)).get(30, TimeUnit.SECONDS);
      }
    }

    void allowLargeOutput() throws Exception {
      try (Admin admin = kafka.admin()) {
        admin
            .incrementalAlterConfigs(
                Map.of(
                    new ConfigResource(ConfigResource.Type.TOPIC, output),
                    List.of(
                        new AlterConfigOp(
                            new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "1048588"),
                            AlterConfigOp.OpType.SET))))
            .all()
            .get(30, TimeUnit.SECONDS);
      }
    }

    /** The committed values on the output topic, once at least one is there. */
    List<String> awaitOutput() {
      Properties props = kafka.clientProperties();
      props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
      try (KafkaConsumer<String, String> consumer =
          new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
        TopicPartition partition = new TopicPartition(output, 0);
        consumer.assign(List.of(partition));
        consumer.seekToBeginning(List.of(partition));
        List<String> values = new ArrayList<>();
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> {
                  consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
                  return !values.isEmpty();
                });
        return values;
      }
    }

    @Override
    public void close() {
      try {
        server.close();
        streams.close(
            CloseOptions.timeout(Duration.ofSeconds(30))
                .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
      } finally {
        TempDirs.delete(stateDir);
      }
    }
  }

  /** Remembers each key in the store and passes the record on. */
  private static final class Copy implements Processor<String, String, String, String> {
    private ProcessorContext<String, String> context;
    private KeyValueStore<String, String> store;

    @Override
    public void init(ProcessorContext<String, String> context) {
      this.context = context;
      this.store = context.getStateStore(SagaTopology.STATE_STORE);
    }

    @Override
    public void process(Record<String, String> record) {
      store.put(record.key(), "seen");
      context.forward(record);
    }
  }
}
