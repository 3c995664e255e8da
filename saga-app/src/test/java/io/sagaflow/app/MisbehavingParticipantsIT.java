package io.sagaflow.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sagaflow.app.demo.DemoWorkload;
import io.sagaflow.app.demo.OutcomePrediction;
import io.sagaflow.app.modules.SagaModules;
import io.sagaflow.app.participants.Misbehaviour;
import io.sagaflow.app.participants.ParticipantBehaviour;
import io.sagaflow.app.participants.Verdict;
import io.sagaflow.engine.CommandKind;
import io.sagaflow.engine.SagaDefinition;
import io.sagaflow.engine.SagaStatus;
import io.sagaflow.engine.StepDefinition;
import io.sagaflow.module.DemoData;
import io.sagaflow.serde.SagaHeaders;
import io.sagaflow.topology.SagaTopics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Participants that answer twice, late, with garbage or not at all, on a real broker: every saga
 * still ends as the seed predicts, the processor counts each duplicate and each late reply, and
 * each garbage reply becomes exactly one dead letter.
 */
class MisbehavingParticipantsIT {
  private static final int SAGAS = 25;
  private static final String RUN = "it-misbehave";
  private static final Pattern INPUT =
      Pattern.compile("sagaflow_input_total\\{[^}]*kind=\"([A-Z_]+)\"[^}]*} ([0-9.E]+)");
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void shouldEndEverySagaAsPredictedAndOweOneDeadLetterPerGarbageReply(@TempDir Path dataDir)
      throws Exception {
    try (SagaCluster cluster = SagaCluster.start(dataDir)) {
      // Given participants that misbehave on a good share of the first attempts, and stay silent
      // on some commands
      Map<String, String> settings = new HashMap<>();
      settings.put("saga.demo.enabled", "true");
      settings.put("saga.demo.sagas", Integer.toString(SAGAS));
      settings.put("saga.demo.run.id", RUN);
      settings.put("saga.participants.seed", "3");
      settings.put("saga.participants.decline.rate", "0.1");
      settings.put("saga.participants.silence.rate", "0.05");
      settings.put("saga.participants.duplicate.reply.rate", "0.2");
      settings.put("saga.participants.late.reply.rate", "0.15");
      settings.put("saga.participants.garbage.reply.rate", "0.15");
      settings.put("saga.participants.latency.ms", "0");
      try (SagaflowRuntime runtime =
          new SagaflowRuntime(cluster.config(dataDir, settings)).start()) {
        SagaModules modules = TestModules.onClassPath();
        List<ParticipantBehaviour> behaviours =
            ParticipantBehaviour.of(
                modules.participants(), modules.registry(), runtime.config().participants());
        Map<String, SagaStatus> predicted = new HashMap<>();
        Map<Misbehaviour, Integer> misbehaviours = new EnumMap<>(Misbehaviour.class);
        Map<String, Integer> garbageBySaga = new HashMap<>();
        List<String> silentFirstAttempts = new ArrayList<>();
        for (DemoData demo : modules.demoData()) {
          SagaDefinition<?> definition = modules.registry().latest(demo.sagaType()).orElseThrow();
          OutcomePrediction prediction = new OutcomePrediction(definition, behaviours);
          for (String id : DemoWorkload.sagaIds(RUN + "-" + demo.noun(), SAGAS)) {
            predicted.put(id, prediction.outcome(id));
            Map<Misbehaviour, Integer> met = prediction.misbehaviours(id);
            met.forEach((m, n) -> misbehaviours.merge(m, n, Integer::sum));
            garbageBySaga.put(id, met.getOrDefault(Misbehaviour.GARBAGE, 0));
            if (silentFirstStep(definition, behaviours, id)) {
              silentFirstAttempts.add(id);
            }
          }
        }
        // The seed draws every kind, so each is shown below
        assertThat(misbehaviours.keySet())
            .containsExactlyInAnyOrder(
                Misbehaviour.DUPLICATE, Misbehaviour.LATE, Misbehaviour.GARBAGE);
        assertThat(silentFirstAttempts).isNotEmpty();
        DemoWorkload workload = runtime.demo().orElseThrow();

        // When the demo runs to the end
        assertThat(workload.awaitFinished(Duration.ofMinutes(4)))
            .as("demo finished; last progress: %s", workload.progressLine())
            .isTrue();

        // Then every saga, those met by a silence included, ended as the seed predicts
        assertThat(workload.statuses()).isEqualTo(predicted);
        // And each garbage reply is exactly one DESERIALIZATION_FAILED dead letter of its saga
        List<ConsumerRecord<byte[], byte[]>> deadLetters = readAll(cluster, SagaTopics.DLQ);
        Map<String, Integer> deadBySaga = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> letter : deadLetters) {
          assertThat(header(letter, SagaHeaders.SAGA_DLQ_REASON))
              .isEqualTo("DESERIALIZATION_FAILED");
          deadBySaga.merge(new String(letter.key(), StandardCharsets.UTF_8), 1, Integer::sum);
        }
        garbageBySaga.values().removeIf(n -> n == 0);
        assertThat(deadBySaga).isEqualTo(garbageBySaga);
        assertThat(deadLetters).hasSize(misbehaviours.get(Misbehaviour.GARBAGE));
        // And the processor counted each duplicate reply and each late one, no more
        URI metrics =
            URI.create("http://127.0.0.1:" + runtime.httpPort().orElseThrow() + "/metrics");
        await()
            .atMost(Duration.ofSeconds(60))
            .untilAsserted(
                () ->
                    assertThat(inputs(metrics))
                        .containsEntry(
                            "DUPLICATE", (long) misbehaviours.get(Misbehaviour.DUPLICATE))
                        .containsEntry(
                            "STALE_ATTEMPT", (long) misbehaviours.get(Misbehaviour.LATE)));
      }
    }
  }

  /** True when the saga's first step is left unanswered on its first attempt. */
  private static boolean silentFirstStep(
      SagaDefinition<?> definition, List<ParticipantBehaviour> behaviours, String sagaId) {
    StepDefinition<?> first = definition.steps().get(0);
    return behaviours.stream()
        .filter(b -> b.topic().equals(first.commandTopic()))
        .anyMatch(b -> b.decide(sagaId, first.name(), 1, CommandKind.ACTION) == Verdict.SILENCE);
  }

  private static Map<String, Long> inputs(URI metrics) throws Exception {
    String body =
        HTTP.send(
                HttpRequest.newBuilder(metrics).GET().build(), HttpResponse.BodyHandlers.ofString())
            .body();
    Map<String, Long> counts = new HashMap<>();
    Matcher m = INPUT.matcher(body);
    while (m.find()) {
      counts.merge(m.group(1), (long) Double.parseDouble(m.group(2)), Long::sum);
    }
    return counts;
  }

  private static List<ConsumerRecord<byte[], byte[]>> readAll(SagaCluster cluster, String topic) {
    Map<String, Object> props = new HashMap<>();
    props.put("bootstrap.servers", cluster.bootstrapServers());
    props.put("isolation.level", "read_committed");
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                return partitions.stream().allMatch(p -> consumer.position(p) >= ends.get(p));
              });
    }
    return records;
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    var header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }
}
