package io.sagaflow.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.sagaflow.contract.StartSaga;
import io.sagaflow.serde.AvroSerde;
import io.sagaflow.serde.AvroSerdeConfig;
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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Personal data and secrets stay where a saga needs them. Canaries are seeded in every tagged field
 * of both example saga types; sagas run to success, compensation, timeouts, dead letters and STUCK
 * on the embedded broker; then every log line, every exported span, every record on every topic and
 * every HTTP answer is searched, and a canary anywhere but the start request, the saga's state
 * changelog and the command of the participant that needs the field fails the test, naming where it
 * was found.
 *
 * <p>A new surface is one more entry in {@link #surfaces}: a name and the texts it holds, every one
 * of which must be free of canaries.
 */
class RedactionCanaryIT {
  private static final int SAGAS = 16;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final Pattern TIMEOUTS =
      Pattern.compile("sagaflow_timer_total\\{[^}]*kind=\"APPLIED\"[^}]*} ([0-9.E]+)");
  private static final Set<String> ENDED = Set.of("COMPLETED", "COMPENSATED", "FAILED", "STUCK");

  /** Texts that must hold no canary, by surface name ("log", "http GET /sagas/x", ...). */
  private final Map<String, List<String>> surfaces = new LinkedHashMap<>();

  @Test
  void shouldKeepEveryTaggedValueOutOfEverySurfaceButWhereTheSagaNeedsIt(@TempDir Path dataDir)
      throws Exception {
    try (SagaCluster cluster = SagaCluster.start(dataDir);
        CapturedLogs logs = new CapturedLogs()) {
      // Given participants that refuse, fail, stay silent and answer with garbage now and then, and
      // a notification service answered by this test (which refuses some, so those orders end
      // STUCK after the pivot)
      Map<String, String> settings = new HashMap<>();
      settings.put("saga.participants.seed", "7");
      settings.put("saga.participants.decline.rate", "0.25");
      settings.put("saga.participants.retriable.failure.rate", "0.1");
      settings.put("saga.participants.silence.rate", "0.1");
      settings.put("saga.participants.garbage.reply.rate", "0.1");
      settings.put("saga.participants.duplicate.reply.rate", "0.05");
      settings.put("saga.participants.late.reply.rate", "0.05");
      settings.put("saga.participants.latency.ms", "0");
      settings.put("saga.participants.disabled", "notification");
      // Every span goes to memory, so the spans are one more surface to search.
      InMemorySpanExporter spans = InMemorySpanExporter.create();
      OpenTelemetrySdk sdk =
          OpenTelemetrySdk.builder()
              .setTracerProvider(
                  SdkTracerProvider.builder()
                      .addSpanProcessor(SimpleSpanProcessor.create(spans))
                      .build())
              .build();
      try (SagaflowRuntime runtime =
          new SagaflowRuntime(cluster.config(dataDir, settings))
              .tracing(Tracing.with(sdk))
              .start()) {
        URI api = URI.create("http://127.0.0.1:" + runtime.httpPort().orElseThrow());
        Set<String> refusedConfirmations = ConcurrentHashMap.newKeySet();
        AtomicBoolean stop = new AtomicBoolean();
        Thread notification =
            new Thread(() -> answerConfirmations(cluster, api, refusedConfirmations, stop));
        notification.start();
        try {
          // When sagas of both types start over HTTP with a canary in every tagged field
          List<String> sagaIds = new ArrayList<>();
          for (int n = 0; n < SAGAS; n++) {
            String order = start(api, "order-fulfilment", Canaries.order(n), "order-" + n);
            if (n % 4 == 0) {
              refusedConfirmations.add(order);
            }
            sagaIds.add(order);
            sagaIds.add(start(api, "money-transfer", Canaries.transfer(100 + n), "tr-" + n));
          }
          // And a start the processor rejects (an unknown definition version), and bytes that are
          // no record at all: both dead-lettered
          deadLetterInputs(cluster, sagaIds.get(0));

          // Then every saga ends, among them completed, compensated and STUCK ones, after timeouts
          Map<String, String> statuses = new HashMap<>();
          await()
              .atMost(Duration.ofMinutes(5))
              .pollInterval(Duration.ofSeconds(1))
              .untilAsserted(
                  () -> {
                    for (String id : sagaIds) {
                      statuses.put(id, json(get(api, "/sagas/" + id)).path("status").asText());
                    }
                    assertThat(statuses.values()).allMatch(ENDED::contains);
                  });
          assertThat(statuses.values()).contains("COMPLETED", "COMPENSATED", "STUCK");
          String metrics = get(api, "/metrics");
          assertThat(timeouts(metrics)).as("timeouts fired").isPositive();

          // And every HTTP answer a user or the console sees is collected
          for (String id : sagaIds) {
            add("http GET /sagas/" + id, get(api, "/sagas/" + id));
            add(
                "http GET /sagas/" + id + "/dead-letters",
                get(api, "/sagas/" + id + "/dead-letters"));
          }
          for (String id : List.of("dlq-invalid-start", "dlq-garbage-start")) {
            String letters = get(api, "/sagas/" + id + "/dead-letters");
            assertThat(letters).as("dead letters of %s", id).contains("\"reason\"");
            add("http GET /sagas/" + id + "/dead-letters", letters);
          }
          for (String query :
              List.of(
                  "/sagas",
                  "/sagas?type=order-fulfilment",
                  "/sagas?type=money-transfer",
                  "/sagas?status=STUCK",
                  "/sagas?status=COMPENSATED",
                  "/health/ready",
                  "/ui")) {
            add("http GET " + query, get(api, query));
          }
          add("http GET /metrics", metrics);
        } finally {
          stop.set(true);
          notification.join(Duration.ofSeconds(30).toMillis());
        }

        // And no canary is anywhere but where the saga needs it (where it is, the search finds it)
        Set<String> holding = new java.util.TreeSet<>();
        List<String> findings = new ArrayList<>(topicFindings(cluster, holding));
        assertThat(holding)
            .as("topics where the sagas need tagged data")
            .containsAll(
                Canaries.allowedKinds(cluster.applicationId + "-saga-state-changelog").keySet());
        surfaces.put("log", List.of(logs.text()));
        List<SpanData> exported = spans.getFinishedSpanItems();
        assertThat(exported)
            .as("spans of the processor and of the participants")
            .anyMatch(s -> s.getName().startsWith("decide "))
            .anyMatch(s -> s.getName().endsWith(" process"));
        surfaces.put("span", exported.stream().map(RedactionCanaryIT::describe).toList());
        surfaces.forEach(
            (surface, texts) -> {
              for (String text : texts) {
                for (String kind : Canaries.kindsIn(text)) {
                  findings.add(surface + ": a " + kind + " canary in " + around(text, kind));
                }
              }
            });
        assertThat(findings).isEmpty();

        // And the dead letters say what they masked
        Map<String, String> redacted = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> letter : readAll(cluster, SagaTopics.DLQ)) {
          redacted.put(
              new String(letter.key(), StandardCharsets.UTF_8),
              header(letter, SagaHeaders.SAGA_DLQ_ORIGINAL_REDACTED));
        }
        assertThat(redacted.get("dlq-invalid-start"))
            .contains("data.customerEmail", "data.shippingAddress", "data.paymentToken");
        assertThat(redacted.get("dlq-garbage-start")).isEqualTo("undecodable");
      }
    }
  }

  /** The start as the API wrote it, on an unknown version; and bytes in no format. */
  private static void deadLetterInputs(SagaCluster cluster, String orderId) throws Exception {
    AvroSerde<org.apache.avro.specific.SpecificRecord> requests =
        AvroSerde.anySpecific(cluster.schemas, AvroSerdeConfig.recordName());
    StartSaga original = null;
    for (ConsumerRecord<byte[], byte[]> record : readAll(cluster, SagaTopics.REQUESTS)) {
      if (orderId.equals(new String(record.key(), StandardCharsets.UTF_8))) {
        original =
            (StartSaga) requests.deserializer().deserialize(SagaTopics.REQUESTS, record.value());
      }
    }
    assertThat(original).isNotNull();
    StartSaga unknownVersion = StartSaga.newBuilder(original).setDefinitionVersion(99).build();
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", cluster.bootstrapServers()),
            new ByteArraySerializer(),
            new ByteArraySerializer())) {
      producer
          .send(
              new ProducerRecord<>(
                  SagaTopics.REQUESTS,
                  "dlq-invalid-start".getBytes(StandardCharsets.UTF_8),
                  requests.serializer().serialize(SagaTopics.REQUESTS, unknownVersion)))
          .get();
      producer
          .send(
              new ProducerRecord<>(
                  SagaTopics.REQUESTS,
                  "dlq-garbage-start".getBytes(StandardCharsets.UTF_8),
                  ("not a record: " + Canaries.of("garbage", 1)).getBytes(StandardCharsets.UTF_8)))
          .get();
    }
  }

  /**
   * The notification service: confirms every order's mail, except those in {@code refused}, whose
   * confirmation it refuses for good (a retriable step after the pivot, so the saga is STUCK).
   */
  private static void answerConfirmations(
      SagaCluster cluster, URI api, Set<String> refused, AtomicBoolean stop) {
    Map<String, Object> props = new HashMap<>();
    props.put("bootstrap.servers", cluster.bootstrapServers());
    props.put("group.id", "canary-notification");
    props.put("auto.offset.reset", "earliest");
    props.put("isolation.level", "read_committed");
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of("notification.commands"));
      while (!stop.get()) {
        for (ConsumerRecord<byte[], byte[]> command : consumer.poll(Duration.ofMillis(200))) {
          String sagaId = new String(command.key(), StandardCharsets.UTF_8);
          String body =
              refused.contains(sagaId)
                  ? "{\"attempt\":%s,\"commandId\":\"%s\",\"outcome\":\"BUSINESS_FAILURE\","
                      + "\"errorCode\":\"MAILBOX_GONE\",\"errorMessage\":\"no such mailbox\"}"
                  : "{\"attempt\":%s,\"commandId\":\"%s\",\"outcome\":\"SUCCEEDED\","
                      + "\"result\":{\"messageId\":\"m-1\"},"
                      + "\"resultType\":\"io.sagaflow.examples.order.ConfirmationSent\"}";
          String reply =
              String.format(
                  body,
                  header(command, SagaHeaders.SAGA_ATTEMPT),
                  header(command, SagaHeaders.CE_ID));
          HttpResponse<String> answer =
              HTTP.send(
                  HttpRequest.newBuilder(
                          api.resolve("/sagas/" + sagaId + "/steps/send-confirmation/reply"))
                      .header("Content-Type", "application/json")
                      .POST(HttpRequest.BodyPublishers.ofString(reply))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
          assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Canaries on every topic, outside the topics and kinds {@link Canaries#allowedKinds} allows. */
  private static List<String> topicFindings(SagaCluster cluster, Set<String> holding)
      throws Exception {
    Map<String, Set<String>> allowed =
        Canaries.allowedKinds(cluster.applicationId + "-saga-state-changelog");
    List<String> findings = new ArrayList<>();
    Set<String> topics;
    try (var admin = cluster.admin()) {
      topics =
          admin
              .listTopics(new org.apache.kafka.clients.admin.ListTopicsOptions().listInternal(true))
              .names()
              .get();
    }
    for (String topic : topics) {
      Set<String> kinds = allowed.getOrDefault(topic, Set.of());
      for (ConsumerRecord<byte[], byte[]> record : readAll(cluster, topic)) {
        List<String> found = new ArrayList<>(Canaries.kindsIn(record.key()));
        found.addAll(Canaries.kindsIn(record.value()));
        for (Header h : record.headers()) {
          found.addAll(Canaries.kindsIn(h.value()));
        }
        if (found.stream().anyMatch(kinds::contains)) {
          holding.add(topic);
        }
        found.stream()
            .filter(kind -> !kinds.contains(kind))
            .distinct()
            .forEach(
                kind ->
                    findings.add(
                        "topic "
                            + topic
                            + "-"
                            + record.partition()
                            + "@"
                            + record.offset()
                            + ": a "
                            + kind
                            + " canary"));
      }
    }
    return findings;
  }

  /** A span as text: its name, attributes, and every event's name and attributes. */
  private static String describe(SpanData span) {
    StringBuilder text = new StringBuilder(span.getName()).append(' ').append(span.getAttributes());
    for (EventData event : span.getEvents()) {
      text.append(' ').append(event.getName()).append(' ').append(event.getAttributes());
    }
    return text.toString();
  }

  private void add(String surface, String text) {
    surfaces.computeIfAbsent(surface, s -> new ArrayList<>()).add(text);
  }

  private static String start(URI api, String type, String body, String key) throws Exception {
    HttpResponse<String> started =
        HTTP.send(
            HttpRequest.newBuilder(api.resolve("/sagas/" + type))
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", key)
                .header("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
    return json(started.body()).get("sagaId").asText();
  }

  private static String get(URI api, String path) throws Exception {
    return HTTP.send(
            HttpRequest.newBuilder(api.resolve(path)).GET().build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private static JsonNode json(String body) throws Exception {
    return JSON.readTree(body);
  }

  private static long timeouts(String metrics) {
    Matcher m = TIMEOUTS.matcher(metrics);
    long total = 0;
    while (m.find()) {
      total += (long) Double.parseDouble(m.group(1));
    }
    return total;
  }

  private static String around(String text, String kind) {
    int at = text.indexOf("CNRY" + kind);
    int from = text.lastIndexOf('\n', at) + 1;
    int to = text.indexOf('\n', at);
    return text.substring(
        Math.max(from, at - 300), to < 0 ? text.length() : Math.min(to, at + 300));
  }

  private static List<ConsumerRecord<byte[], byte[]>> readAll(SagaCluster cluster, String topic) {
    Map<String, Object> props = new HashMap<>();
    props.put("bootstrap.servers", cluster.bootstrapServers());
    // Aborted records were written too: a canary in one is a leak all the same.
    props.put("isolation.level", "read_uncommitted");
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
    Header header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }
}
