package io.sagaflow.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sagaflow.app.modules.SagaModules;
import io.sagaflow.contract.StepOutcome;
import io.sagaflow.module.DemoData;
import io.sagaflow.module.SimulatedParticipant;
import io.sagaflow.serde.AvroSerializer;
import io.sagaflow.serde.SagaHeaders;
import io.sagaflow.testkit.internals.ContractRecords;
import io.sagaflow.topology.DataCodec;
import io.sagaflow.topology.SagaTopics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;

/**
 * Order sagas whose every input comes from a client that partitions like librdkafka: the starts on
 * saga.requests and every participant's reply on saga.replies. The test plays all participants
 * itself (the simulated ones are off): it reads the commands with a Java consumer and answers each
 * with the result the simulated participant would give, through the foreign client. What a user
 * sees is checked: each saga answers 200 COMPLETED on the status route, nothing is dead-lettered,
 * and exactly the inputs that landed on a partition not owning their saga id were moved.
 */
final class ForeignClientSagas {
  private static final int SAGAS = 8;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final Pattern MOVED =
      Pattern.compile("sagaflow_input_moved_total\\{[^}]*kind=\"([a-z.]+)\"[^}]*} ([0-9.E]+)");

  private ForeignClientSagas() {}

  /**
   * Runs {@link #SAGAS} order sagas to completion on topics of {@code partitions} partitions, every
   * input sent by the producer {@code client} opens on the cluster's bootstrap servers.
   */
  static void runToCompletion(
      Path dir, int partitions, String prefix, Function<String, ForeignProducer> client)
      throws Exception {
    try (SagaCluster cluster = SagaCluster.start(dir)) {
      Map<String, String> settings =
          Map.of(
              "saga.topics.partitions",
              Integer.toString(partitions),
              "saga.participants.enabled",
              "false");
      SagaModules modules = TestModules.onClassPath();
      DemoData orders = TestModules.orders();
      DataCodec codec = new DataCodec(cluster.schemas, true);
      AvroSerializer<SpecificRecord> requests =
          SagaTopics.REQUEST_RECORDS.serializer(cluster.schemas, true);
      AvroSerializer<io.sagaflow.contract.StepReply> replies =
          SagaTopics.REPLY_RECORDS.serializer(cluster.schemas, true);
      Map<String, SimulatedParticipant> participants = new HashMap<>();
      modules.participants().forEach(p -> participants.put(p.commandTopic(), p));
      List<String> sagaIds = IntStream.range(0, SAGAS).mapToObj(i -> prefix + "-" + i).toList();
      Map<String, Long> expectedMoves = new HashMap<>();

      try (SagaflowRuntime runtime =
              new SagaflowRuntime(cluster.config(dir.resolve("instance"), settings)).start();
          ForeignProducer producer = client.apply(cluster.bootstrapServers());
          KafkaConsumer<String, byte[]> commands = commandConsumer(cluster)) {
        URI api = URI.create("http://127.0.0.1:" + runtime.httpPort().orElseThrow());
        commands.subscribe(SagaTopics.commandTopics(modules.registry()));

        // Given order sagas started by the foreign client
        for (String sagaId : sagaIds) {
          byte[] start =
              requests.serialize(
                  SagaTopics.REQUESTS,
                  ContractRecords.startSaga(
                      orders.sagaType(),
                      Optional.empty(),
                      codec.encode(orders.data(sagaId, 1L)),
                      Instant.now()));
          producer.send(SagaTopics.REQUESTS, sagaId, start, Map.of());
          countMoveIfMisplaced(expectedMoves, SagaTopics.REQUESTS, sagaId, partitions);
        }

        // When every command is answered by the foreign client, then every saga completes
        await()
            .atMost(Duration.ofMinutes(3))
            .pollInterval(Duration.ofMillis(100))
            // The consumer is used from the test's thread only.
            .pollInSameThread()
            .until(
                () -> {
                  for (ConsumerRecord<String, byte[]> command :
                      commands.poll(Duration.ofMillis(200))) {
                    byte[] reply = answer(command, participants, codec, replies);
                    producer.send(
                        SagaTopics.REPLIES,
                        command.key(),
                        reply,
                        Map.of(
                            SagaHeaders.CE_SPECVERSION, "1.0",
                            SagaHeaders.CE_ID, UUID.randomUUID().toString(),
                            SagaHeaders.CE_TYPE, "io.sagaflow.contract.StepReply",
                            SagaHeaders.CE_SOURCE, "foreign-participant",
                            SagaHeaders.CE_SUBJECT, command.key()));
                    countMoveIfMisplaced(
                        expectedMoves, SagaTopics.REPLIES, command.key(), partitions);
                  }
                  for (String sagaId : sagaIds) {
                    if (!"COMPLETED".equals(status(api, sagaId))) {
                      return false;
                    }
                  }
                  return true;
                });

        // Then the status route answers each saga with 200 COMPLETED
        for (String sagaId : sagaIds) {
          HttpResponse<String> response = get(api.resolve("/sagas/" + sagaId));
          assertThat(response.statusCode()).as(sagaId).isEqualTo(200);
          assertThat(JSON.readTree(response.body()).path("status").asText())
              .as(sagaId)
              .isEqualTo("COMPLETED");
        }
        // And the inputs the client put where their saga does not live, and only those, were moved
        if (partitions > 1) {
          assertThat(expectedMoves.getOrDefault(SagaTopics.REQUESTS, 0L))
              .as(
                  "starts the client's partitioner misplaces; a test that misplaces none shows"
                      + " nothing")
              .isPositive();
        }
        await()
            .atMost(Duration.ofSeconds(30))
            .untilAsserted(() -> assertThat(moved(api)).isEqualTo(expectedMoves));
        // And nothing was dead-lettered
        assertThat(endOffsets(commands, SagaTopics.DLQ)).isZero();
      }
    }
  }

  private static byte[] answer(
      ConsumerRecord<String, byte[]> command,
      Map<String, SimulatedParticipant> participants,
      DataCodec codec,
      AvroSerializer<io.sagaflow.contract.StepReply> replies) {
    String commandId = header(command, SagaHeaders.CE_ID);
    SpecificRecord payload = (SpecificRecord) codec.decodeAny(command.value());
    Optional<SpecificRecord> result =
        participants.get(command.topic()).results().resultOf(payload, UUID.fromString(commandId));
    return replies.serialize(
        SagaTopics.REPLIES,
        ContractRecords.stepReply(
            header(command, SagaHeaders.SAGA_STEP),
            Integer.parseInt(header(command, SagaHeaders.SAGA_ATTEMPT)),
            commandId,
            StepOutcome.SUCCEEDED,
            Optional.empty(),
            Optional.empty(),
            result.map(codec::encode)));
  }

  private static void countMoveIfMisplaced(
      Map<String, Long> moves, String topic, String sagaId, int partitions) {
    byte[] key = sagaId.getBytes(StandardCharsets.UTF_8);
    int owner = Utils.toPositive(Utils.murmur2(key)) % partitions;
    if (Crc32Partitioner.partitionOf(key, partitions) != owner) {
      moves.merge(topic, 1L, Long::sum);
    }
  }

  private static KafkaConsumer<String, byte[]> commandConsumer(SagaCluster cluster) {
    return new KafkaConsumer<>(
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
            ConsumerConfig.GROUP_ID_CONFIG, "foreign-participants",
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
        new StringDeserializer(),
        new ByteArrayDeserializer());
  }

  private static String status(URI api, String sagaId) throws Exception {
    HttpResponse<String> response = get(api.resolve("/sagas/" + sagaId));
    if (response.statusCode() != 200) {
      return "HTTP " + response.statusCode();
    }
    JsonNode body = JSON.readTree(response.body());
    return body.path("status").asText();
  }

  private static Map<String, Long> moved(URI api) throws Exception {
    Map<String, Long> counts = new HashMap<>();
    Matcher m = MOVED.matcher(get(api.resolve("/metrics")).body());
    while (m.find()) {
      long count = (long) Double.parseDouble(m.group(2));
      if (count > 0) {
        counts.merge(m.group(1), count, Long::sum);
      }
    }
    return counts;
  }

  private static long endOffsets(KafkaConsumer<?, ?> consumer, String topic) {
    List<TopicPartition> partitions =
        consumer.partitionsFor(topic).stream()
            .map(p -> new TopicPartition(topic, p.partition()))
            .toList();
    return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
  }

  private static HttpResponse<String> get(URI uri) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String header(ConsumerRecord<?, ?> record, String name) {
    var header = record.headers().lastHeader(name);
    if (header == null) {
      throw new IllegalStateException(
          "Command "
              + record.topic()
              + "-"
              + record.partition()
              + "@"
              + record.offset()
              + " has no "
              + name
              + " header");
    }
    return new String(header.value(), StandardCharsets.UTF_8);
  }
}
