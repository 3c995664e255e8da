package io.sagaflow.bench;

import io.sagaflow.api.ApiSettings;
import io.sagaflow.api.SagaApiServer;
import io.sagaflow.embedded.kafka.FreePorts;
import io.sagaflow.engine.SagaRegistry;
import io.sagaflow.serde.SchemaRegistry;
import io.sagaflow.topology.SagaCounters;
import io.sagaflow.topology.SagaStreamsConfig;
import io.sagaflow.topology.SagaTopology;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;

/**
 * One processor instance as {@code sagaflow run} wires it: Kafka Streams over the saga topology
 * with {@code application.server} set to the address of its own HTTP API, which serves reads from
 * its stores and forwards the others.
 */
final class ApiInstance implements AutoCloseable {
  final HostInfo address = new HostInfo("127.0.0.1", FreePorts.pick());
  final KafkaStreams streams;
  private final KafkaProducer<String, byte[]> producer;
  private final SagaApiServer server;

  ApiInstance(
      String bootstrap,
      String applicationId,
      Path stateDir,
      SagaRegistry registry,
      SchemaRegistry schemas) {
    SagaCounters counters = new SagaCounters();
    SagaTopology.Settings settings = SagaTopology.Settings.of(schemas, true, counters);
    Properties props = SagaStreamsConfig.create(Map.of(), settings.deadLetters());
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, "1");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, address.host() + ":" + address.port());
    // A joining instance with an empty store is "not caught up" under the default bound (10,000
    // records) and would only get warm-up tasks until a probing rebalance ten minutes later; the
    // benchmark wants the partitions split at once, restored, then measured.
    props.put(StreamsConfig.ACCEPTABLE_RECOVERY_LAG_CONFIG, Long.toString(Long.MAX_VALUE));
    streams = new KafkaStreams(SagaTopology.build(registry, settings), props);
    Properties producerProps = new Properties();
    producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
    producer =
        new KafkaProducer<>(producerProps, new StringSerializer(), new ByteArraySerializer());
    server =
        new SagaApiServer(
            streams,
            registry,
            schemas,
            producer,
            counters,
            ApiSettings.defaults()
                .withPort(address.port())
                .withAdvertised(address)
                .withAutoRegister(true));
  }

  ApiInstance start() {
    streams.start();
    server.start();
    return this;
  }

  String url() {
    return "http://" + address.host() + ":" + address.port();
  }

  @Override
  public void close() {
    server.close();
    producer.close(Duration.ofSeconds(5));
    streams.close(
        CloseOptions.timeout(Duration.ofSeconds(30))
            .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
  }
}
