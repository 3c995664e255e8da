package io.sagaflow.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sagaflow.app.demo.DemoWorkload;
import io.sagaflow.contract.SagaEvent;
import io.sagaflow.contract.SagaEventType;
import io.sagaflow.engine.SagaStatus;
import io.sagaflow.serde.SagaEventFacts;
import io.sagaflow.topology.SagaTopics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an operator scrapes from {@code /metrics} after a demo run agrees with the demo's own
 * summary and with {@code saga.events}.
 */
class SagaflowMetricsIT {
  private static final int SAGAS = 150;
  private static final String RUN = "it-metrics";
  private static final Map<String, String> PREFIXES =
      Map.of("order-fulfilment", RUN + "-order-", "money-transfer", RUN + "-transfer-");
  private static final Pattern SAMPLE =
      Pattern.compile("^([a-z_]+)(?:\\{([^}]*)\\})? (\\S+)$", Pattern.MULTILINE);
  private static final Pattern LABEL = Pattern.compile("([a-z_]+)=\"([^\"]*)\"");
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** One line of the Prometheus text format. */
  record Sample(String name, Map<String, String> labels, double value) {}

  @Test
  void shouldScrapeCountersEqualToTheDemoSummaryAndOneStepSamplePerStepOutcome(
      @TempDir Path dataDir) throws Exception {
    try (SagaCluster cluster = SagaCluster.start(dataDir)) {
      // Given the app with both example modules, their participants and a demo of 150 sagas a type
      Map<String, String> demo =
          Map.of(
              "saga.demo.enabled", "true",
              "saga.demo.sagas", Integer.toString(SAGAS),
              "saga.demo.run.id", RUN,
              "saga.participants.seed", "42",
              "saga.participants.decline.rate", "0.1",
              "saga.participants.latency.ms", "0");
      try (SagaflowRuntime runtime = new SagaflowRuntime(cluster.config(dataDir, demo)).start()) {
        DemoWorkload workload = runtime.demo().orElseThrow();

        // When the workload runs to its end and /metrics is scraped
        assertThat(workload.awaitFinished(Duration.ofMinutes(4)))
            .as("demo finished; last progress: %s", workload.progressLine())
            .isTrue();
        URI metrics =
            URI.create("http://127.0.0.1:" + runtime.httpPort().orElseThrow() + "/metrics");
        List<Sample> scrape = scrape(metrics);

        // Then per saga type, started, completed and compensated equal the demo's summary
        for (Map.Entry<String, String> type : PREFIXES.entrySet()) {
          Map<SagaStatus, Long> ended = byStatus(workload, type.getValue());
          long completed = ended.getOrDefault(SagaStatus.COMPLETED, 0L);
          long compensated = ended.getOrDefault(SagaStatus.COMPENSATED, 0L);
          // The summary's own counts, whether or not they match the seed's prediction: a machine
          // slow enough for a step timeout changes the outcome, never what the metrics must show.
          assertThat(workload.summary())
              .contains(type.getKey() + ": " + SAGAS + " sagas, " + completed + " completed (")
              .contains(", " + compensated + " compensated (");
          assertThat(sum(scrape, "sagaflow_sagas_started_total", "saga_type", type.getKey()))
              .isEqualTo(SAGAS);
          assertThat(sum(scrape, "sagaflow_sagas_completed_total", "saga_type", type.getKey()))
              .isEqualTo(completed);
          assertThat(sum(scrape, "sagaflow_sagas_compensated_total", "saga_type", type.getKey()))
              .isEqualTo(compensated)
              .isPositive();
          assertThat(
                  sum(scrape, "sagaflow_saga_duration_seconds_count", "saga_type", type.getKey()))
              .isEqualTo(SAGAS);
        }

        // And the step-latency histogram has one sample per step outcome on saga.events
        Map<String, Long> outcomes = stepOutcomes(runtime, cluster);
        Map<String, Long> sampled = new TreeMap<>();
        for (Sample s : scrape) {
          if (s.name().equals("sagaflow_step_duration_seconds_count")) {
            sampled.merge(
                s.labels().get("saga_type") + "/" + s.labels().get("step"),
                (long) s.value(),
                Long::sum);
          }
        }
        assertThat(sampled).isEqualTo(outcomes).containsKey("order-fulfilment/capture-payment");
        assertThat(sum(scrape, "sagaflow_step_duration_seconds_bucket", "le", "+Inf"))
            .isEqualTo(outcomes.values().stream().mapToLong(Long::longValue).sum());

        // And nothing is left in flight, the processor runs, and the JVM is measured too
        assertThat(sum(scrape, "sagaflow_sagas", "status", "RUNNING")).isZero();
        assertThat(sum(scrape, "sagaflow_processor_running", null, null)).isEqualTo(1);
        assertThat(scrape).anyMatch(s -> s.name().equals("jvm_memory_used_bytes"));
        assertThat(scrape).anyMatch(s -> s.name().startsWith("kafka_stream_"));
        // And the participants' own Kafka clients (the payment service's, say) are measured
        assertThat(scrape)
            .anyMatch(
                s ->
                    s.name().startsWith("kafka_consumer_")
                        && s.labels().getOrDefault("client_id", "").contains("-payment-"))
            .anyMatch(
                s ->
                    s.name().startsWith("kafka_producer_")
                        && s.labels().getOrDefault("client_id", "").endsWith("-payment"));
        await()
            .atMost(Duration.ofSeconds(30))
            .untilAsserted(
                () ->
                    assertThat(
                            sum(
                                scrape(metrics),
                                "sagaflow_oldest_saga_age_seconds",
                                "status",
                                "RUNNING"))
                        .isZero());
      }
    }
  }

  private static Map<SagaStatus, Long> byStatus(DemoWorkload workload, String prefix) {
    Map<SagaStatus, Long> counts = new HashMap<>();
    workload.statuses().entrySet().stream()
        .filter(e -> e.getKey().startsWith(prefix))
        .forEach(e -> counts.merge(e.getValue(), 1L, Long::sum));
    return counts;
  }

  private static List<Sample> scrape(URI metrics) throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(metrics).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    List<Sample> samples = new java.util.ArrayList<>();
    Matcher m = SAMPLE.matcher(response.body());
    while (m.find()) {
      Map<String, String> labels = new HashMap<>();
      if (m.group(2) != null) {
        Matcher l = LABEL.matcher(m.group(2));
        while (l.find()) {
          labels.put(l.group(1), l.group(2));
        }
      }
      samples.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(3))));
    }
    return samples;
  }

  /** The sum of {@code name}'s samples whose {@code label} is {@code value} (any, when null). */
  private static long sum(List<Sample> samples, String name, String label, String value) {
    return Math.round(
        samples.stream()
            .filter(s -> s.name().equals(name))
            .filter(s -> label == null || value.equals(s.labels().get(label)))
            .mapToDouble(Sample::value)
            .sum());
  }

  /** STEP_SUCCEEDED and STEP_FAILED facts on saga.events, by saga type and step. */
  private static Map<String, Long> stepOutcomes(SagaflowRuntime runtime, SagaCluster cluster) {
    Map<String, Long> outcomes = new TreeMap<>();
    try (KafkaConsumer<String, SagaEvent> consumer =
        new KafkaConsumer<>(
            ClientProperties.reader(runtime.config()),
            new StringDeserializer(),
            SagaTopics.EVENT_RECORDS.deserializer(cluster.schemas))) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(SagaTopics.EVENTS, Duration.ofSeconds(30)).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                for (ConsumerRecord<String, SagaEvent> r : consumer.poll(Duration.ofMillis(200))) {
                  for (SagaEvent fact : SagaEventFacts.of(r.value())) {
                    SagaEventType type = fact.getEventType();
                    if (type == SagaEventType.STEP_SUCCEEDED || type == SagaEventType.STEP_FAILED) {
                      outcomes.merge(fact.getSagaType() + "/" + fact.getStep(), 1L, Long::sum);
                    }
                  }
                }
                return partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p));
              });
    }
    return outcomes;
  }
}
