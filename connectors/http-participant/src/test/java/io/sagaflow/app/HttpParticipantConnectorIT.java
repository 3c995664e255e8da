package io.sagaflow.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sagaflow.app.config.ConfigLoader;
import io.sagaflow.app.config.SagaflowConfig;
import io.sagaflow.app.demo.DemoWorkload;
import io.sagaflow.app.demo.StartRequests;
import io.sagaflow.app.modules.ModuleLoader;
import io.sagaflow.app.modules.SagaModules;
import io.sagaflow.contract.StepOutcome;
import io.sagaflow.contract.StepReply;
import io.sagaflow.embedded.kafka.EmbeddedKafkaBroker;
import io.sagaflow.embedded.registry.SchemaRegistryServer;
import io.sagaflow.examples.order.OrderFulfilmentSaga;
import io.sagaflow.examples.order.PaymentAuthorized;
import io.sagaflow.examples.order.PaymentCaptured;
import io.sagaflow.examples.order.ShipmentBooked;
import io.sagaflow.examples.shipping.ShippingService;
import io.sagaflow.module.DemoData;
import io.sagaflow.serde.AvroDeserializer;
import io.sagaflow.serde.RegistryClientSettings;
import io.sagaflow.serde.RegistrySchemas;
import io.sagaflow.serde.SagaHeaders;
import io.sagaflow.serde.SchemaRegistry;
import io.sagaflow.serde.SchemaRegistryClient;
import io.sagaflow.topology.SagaTopics;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The order saga with its payment and shipping steps done by HTTP services, bridged by the HTTP
 * participant connector running on a real Kafka Connect worker (a child JVM, plugin loaded from the
 * archive the build made), one connector per service as docs/connectors.md advises, so a slow
 * shipment never holds up a payment. Inventory and notification stay simulated Kafka participants.
 * One deployment for every scenario; each uses sagas of its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HttpParticipantConnectorIT {
  private static final String SHIPPING_CONNECTOR = "shipping-http";
  private static final String PAYMENT_CONNECTOR = "payment-http";
  private static final String DLQ = SHIPPING_CONNECTOR + ".dlq";
  private static final String TOKEN = "shipping-token-7f3a9c";
  private static final String ORDER = "io.sagaflow.examples.order.";
  private static final Duration SETTLE = Duration.ofMinutes(2);
  private static final ObjectMapper JSON = new ObjectMapper();

  private Path work;

  private EmbeddedKafkaBroker broker;
  private SchemaRegistryServer registryServer;
  private SchemaRegistry registry;
  private SagaflowConfig config;
  private SagaModules modules;
  private SagaflowRuntime runtime;
  private PaymentOverHttp payment;
  private ShippingService shipping;
  private InetSocketAddress shippingAddress;
  private final ScriptedCarrier carrier = new ScriptedCarrier();
  private ConnectWorker worker;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  void startDeployment(@TempDir Path dir) throws Exception {
    work = dir;
    broker = EmbeddedKafkaBroker.builder().dataDir(work.resolve("broker")).build().start();
    registryServer = SchemaRegistryServer.startOnKafka(0, broker.bootstrapServers());
    registry = new SchemaRegistryClient(RegistryClientSettings.of(registryServer.url().toString()));
    // As a release does: the results the connector reads from the registry are registered before
    // any participant answers.
    for (org.apache.avro.Schema result :
        List.of(
            PaymentAuthorized.getClassSchema(),
            PaymentCaptured.getClassSchema(),
            ShipmentBooked.getClassSchema())) {
      registry.register(result.getFullName(), RegistrySchemas.normalised(result));
    }
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("saga.mode", "external");
    settings.put("saga.env", "preview");
    settings.put("kafka.bootstrap.servers", broker.bootstrapServers());
    settings.put("kafka.application.id", "sagaflow-connector-it");
    settings.put("saga.schema.registry.url", registryServer.url().toString());
    settings.put("saga.data.dir", work.resolve("app").toString());
    settings.put("saga.demo.enabled", "false");
    settings.put("saga.participants.disabled", "payment,shipping");
    settings.put("saga.participants.decline.rate", "0");
    settings.put("saga.participants.retriable.failure.rate", "0");
    settings.put("saga.participants.silence.rate", "0");
    settings.put("saga.participants.latency.ms", "0");
    config = ConfigLoader.load(Map.of(), settings);
    modules = ModuleLoader.load(Optional.empty());
    runtime = new SagaflowRuntime(config, modules).start();

    payment = PaymentOverHttp.start();
    shipping =
        ShippingService.start(
            carrier,
            Optional.of(TOKEN),
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    shippingAddress = shipping.address();

    // Created with the connector, as docs/connectors.md says: Connect would otherwise create it
    // itself on the task's first start, logging the missing topic at ERROR.
    try (org.apache.kafka.clients.admin.Admin admin =
        org.apache.kafka.clients.admin.Admin.create(
            Map.of("bootstrap.servers", broker.bootstrapServers()))) {
      admin
          .createTopics(
              List.of(
                  new org.apache.kafka.clients.admin.NewTopic(DLQ, 1, (short) 1),
                  new org.apache.kafka.clients.admin.NewTopic(
                      PAYMENT_CONNECTOR + ".dlq", 1, (short) 1)))
          .all()
          .get();
    }
    Path secrets = work.resolve("secrets.properties");
    Files.writeString(secrets, "shipping.token=" + TOKEN + "\n");
    Map<String, String> workerConfig = new HashMap<>();
    workerConfig.put("bootstrap.servers", broker.bootstrapServers());
    workerConfig.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
    workerConfig.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
    workerConfig.put("offset.flush.interval.ms", "10000");
    workerConfig.put("listeners", "http://127.0.0.1:0");
    workerConfig.put("plugin.discovery", "service_load");
    workerConfig.put("config.providers", "file");
    workerConfig.put(
        "config.providers.file.class",
        "org.apache.kafka.common.config.provider.FileConfigProvider");
    worker =
        ConnectWorker.prepare(
                work.resolve("connect"),
                Path.of(System.getProperty("connect.plugin.archive")),
                workerConfig,
                List.of(shippingConnector(secrets), paymentConnector()))
            .start();
  }

  /**
   * The documented configuration (examples/http-shipping/connect/shipping-http.properties) with
   * this test's addresses. Its request bound is long because the worker-kill scenario holds
   * bookings in flight until it has killed the worker; the other scenarios never wait on it (a
   * refused connection and a 503 answer at once).
   */
  private Map<String, String> shippingConnector(Path secrets) {
    Map<String, String> c = connector(SHIPPING_CONNECTOR, OrderFulfilmentSaga.SHIPPING);
    c.put("routes", ORDER + "BookShipment=" + shippingUrl());
    c.put("results", ORDER + "BookShipment=" + ORDER + "ShipmentBooked");
    c.put("http.auth.token", "${file:" + secrets + ":shipping.token}");
    c.put("http.timeout.ms", "60000");
    return c;
  }

  private Map<String, String> paymentConnector() {
    Map<String, String> c = connector(PAYMENT_CONNECTOR, OrderFulfilmentSaga.PAYMENT);
    c.put(
        "routes",
        String.join(
            ",",
            ORDER + "AuthorizePayment=" + payment.url("/authorizations"),
            ORDER + "CapturePayment=" + payment.url("/captures"),
            ORDER + "VoidPaymentAuthorization=" + payment.url("/voids")));
    c.put(
        "results",
        String.join(
            ",",
            ORDER + "AuthorizePayment=" + ORDER + "PaymentAuthorized",
            ORDER + "CapturePayment=" + ORDER + "PaymentCaptured"));
    c.put("http.timeout.ms", "2000");
    return c;
  }

  private Map<String, String> connector(String name, String topic) {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("name", name);
    c.put("connector.class", "io.sagaflow.connect.http.HttpParticipantSinkConnector");
    c.put("tasks.max", "1");
    c.put("topics", topic);
    c.put("header.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
    c.put("schema.registry.url", registryServer.url().toString());
    c.put("reply.bootstrap.servers", broker.bootstrapServers());
    c.put("reply.source", name);
    c.put("http.retry.attempts", "4");
    c.put("http.retry.backoff.ms", "100");
    c.put("http.retry.backoff.max.ms", "1000");
    c.put("consumer.override.isolation.level", "read_committed");
    // A killed worker's consumer is replaced after 6 s instead of Kafka's default 45 s.
    c.put("consumer.override.session.timeout.ms", "6000");
    c.put("errors.tolerance", "all");
    c.put("errors.deadletterqueue.topic.name", name + ".dlq");
    c.put("errors.deadletterqueue.topic.replication.factor", "1");
    c.put("errors.deadletterqueue.context.headers.enable", "true");
    return c;
  }

  private String shippingUrl() {
    return "http://127.0.0.1:" + shippingAddress.getPort() + ShippingService.PATH;
  }

  @AfterAll
  void stopDeployment() throws Exception {
    carrier.release();
    if (worker != null && Files.exists(worker.log())) {
      // Kept beside the test reports: the temporary directory goes with the test.
      Files.copy(
          worker.log(),
          Path.of("target", "connect-worker.log"),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    for (AutoCloseable part : new AutoCloseable[] {worker, shipping, payment, runtime}) {
      if (part != null) {
        part.close();
      }
    }
    if (registryServer != null) {
      registryServer.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  @Order(1)
  void shouldCompleteSagasWhoseShippingStepIsDoneByTheHttpParticipant() throws Exception {
    // Given the worker, whose class path holds no Sagaflow class, loading the plugin from the
    // directory unpacked from the build's archive
    await()
        .atMost(Duration.ofSeconds(90))
        .untilAsserted(
            () ->
                assertThat(worker.logLines())
                    .anyMatch(
                        l ->
                            l.contains("Loading plugin from: ")
                                && l.contains("plugins/sagaflow-http-participant")));
    // And its task serving the command topics: orders sent before would time out their payment
    // step while the worker starts, and compensate
    await()
        .atMost(Duration.ofSeconds(90))
        .untilAsserted(
            () ->
                assertThat(worker.logLines())
                    .anyMatch(l -> l.contains("Adding newly assigned partitions")));
    // When 10 orders start
    List<String> sagas = start("http-ok", 10);

    // Then all complete, each shipment booked once by the HTTP service
    awaitStatuses(sagas, "COMPLETED");
    assertThat(shipping.bookings()).containsKeys(orders(sagas).toArray(String[]::new));
    // And every request carried the command id the processor wrote as ce_id
    Set<String> written = commandIds(OrderFulfilmentSaga.SHIPPING, "http-ok-");
    assertThat(requestsFor(sagas))
        .extracting(ShippingService.Received::commandId)
        .containsOnly(written.toArray(String[]::new));
    // And the worker logged no error, and never the endpoint token
    assertThat(worker.logLines())
        .noneMatch(l -> l.contains(" ERROR "))
        .noneMatch(l -> l.contains(TOKEN));
  }

  @Test
  @Order(2)
  void shouldCompensateWhenTheParticipantAnswersTheBusinessFailureCode() throws Exception {
    // When the payment service declines an order over HTTP with 422 and code CARD_DECLINED
    List<String> sagas = start("http-declined", 1);

    // Then the saga compensates the reserved stock and ends COMPENSATED
    awaitStatuses(sagas, "COMPENSATED");
    assertThat(payment.declined()).containsExactly("order-" + sagas.get(0));
    List<StepReply> replies = replies(sagas.get(0));
    assertThat(replies)
        .anySatisfy(
            r -> {
              assertThat(r.getStep()).isEqualTo("authorize-payment");
              assertThat(r.getOutcome()).isEqualTo(StepOutcome.BUSINESS_FAILURE);
              assertThat(r.getErrorCode()).isEqualTo("CARD_DECLINED");
            });
  }

  @Test
  @Order(3)
  void shouldCompleteAfterRetriesWhenTheParticipantFailsTwiceWith5xx() throws Exception {
    // When the carrier is unavailable twice for an order (503), then books it
    List<String> sagas = start("http-flaky", 1);

    // Then the saga completes with the step's first attempt: the connector retried three times
    // with the same command id
    awaitStatuses(sagas, "COMPLETED");
    List<ShippingService.Received> requests = requestsFor(sagas);
    assertThat(requests).hasSize(3);
    assertThat(requests.stream().map(ShippingService.Received::commandId).distinct()).hasSize(1);
    assertThat(replies(sagas.get(0)))
        .filteredOn(r -> r.getStep().equals("book-shipment"))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getOutcome()).isEqualTo(StepOutcome.SUCCEEDED);
              assertThat(r.getAttempt()).isEqualTo(1);
            });
  }

  @Test
  @Order(4)
  void shouldAnswerRetriableFailureWhileTheParticipantIsDownAndCompleteOnceItIsBack()
      throws Exception {
    // Given the shipping service down
    shipping.close();
    List<String> sagas = start("http-down", 1);

    // Then the connector answers RETRIABLE_FAILURE once its own retries are spent
    await()
        .atMost(SETTLE)
        .untilAsserted(
            () ->
                assertThat(replies(sagas.get(0)))
                    .anySatisfy(
                        r -> {
                          assertThat(r.getStep()).isEqualTo("book-shipment");
                          assertThat(r.getOutcome()).isEqualTo(StepOutcome.RETRIABLE_FAILURE);
                          assertThat(r.getErrorCode()).isEqualTo("HTTP_UNREACHABLE");
                        }));

    // When it is back on the same address
    shipping = ShippingService.start(carrier, Optional.of(TOKEN), shippingAddress);

    // Then the saga's own retry policy sends a new attempt, which completes it
    awaitStatuses(sagas, "COMPLETED");
    StepReply success =
        replies(sagas.get(0)).stream()
            .filter(r -> r.getOutcome() == StepOutcome.SUCCEEDED)
            .filter(r -> r.getStep().equals("book-shipment"))
            .findFirst()
            .orElseThrow();
    assertThat(success.getAttempt()).isGreaterThan(1);
  }

  @Test
  @Order(5)
  void shouldSetMalformedCommandsAsideInTheConnectorsDeadLetterQueueWithTheReason()
      throws Exception {
    // When a command that does not decode and one without its correlation headers arrive
    RecordHeaders headers = new RecordHeaders();
    headers.add(
        SagaHeaders.CE_ID, "5a0c8a52-3f1e-4a57-9a7b-0e4c1f3a2b10".getBytes(StandardCharsets.UTF_8));
    headers.add(SagaHeaders.SAGA_STEP, "book-shipment".getBytes(StandardCharsets.UTF_8));
    headers.add(SagaHeaders.SAGA_ATTEMPT, "1".getBytes(StandardCharsets.UTF_8));
    headers.add(SagaHeaders.SAGA_KIND, "ACTION".getBytes(StandardCharsets.UTF_8));
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", broker.bootstrapServers()),
            new ByteArraySerializer(),
            new ByteArraySerializer())) {
      producer
          .send(
              new ProducerRecord<>(
                  OrderFulfilmentSaga.SHIPPING,
                  null,
                  "http-bad-bytes".getBytes(StandardCharsets.UTF_8),
                  "not avro".getBytes(StandardCharsets.UTF_8),
                  headers))
          .get();
      producer
          .send(
              new ProducerRecord<>(
                  OrderFulfilmentSaga.SHIPPING,
                  "http-bad-headers".getBytes(StandardCharsets.UTF_8),
                  validBookShipmentBytes()))
          .get();
    }

    // Then both are in the connector's dead-letter topic, each with its reason
    await()
        .atMost(SETTLE)
        .untilAsserted(
            () -> {
              Map<String, String> reasons = deadLetterReasons();
              assertThat(reasons.get("http-bad-bytes")).contains("does not decode");
              assertThat(reasons.get("http-bad-headers")).contains("ce_id");
            });
    // And the connector keeps serving
    List<String> sagas = start("http-after-dlq", 2);
    awaitStatuses(sagas, "COMPLETED");
  }

  @Test
  @Order(6)
  void shouldWaitForTheCallbackWhenTheParticipantAnswers202() throws Exception {
    // When the payment service accepts an authorization with 202, to answer it later
    List<String> sagas = start("http-later", 1);
    String sagaId = sagas.get(0);
    await().atMost(SETTLE).until(() -> deferredFor(sagaId).isPresent());

    // Then the connector wrote no reply for it: the saga waits on the step
    assertThat(deferredFor(sagaId).orElseThrow().step()).isEqualTo("authorize-payment");
    assertThat(replies(sagaId)).noneMatch(r -> r.getStep().equals("authorize-payment"));
    assertThat(status(sagaId)).isEqualTo("RUNNING");

    // When the service answers through the callback route with the command's headers (the latest
    // command's: had the step timed out meanwhile, its next attempt was accepted the same way)
    PaymentOverHttp.Deferred accepted = deferredFor(sagaId).orElseThrow();
    HttpResponse<String> callback =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:"
                            + runtime.httpPort().orElseThrow()
                            + "/sagas/"
                            + sagaId
                            + "/steps/"
                            + accepted.step()
                            + "/reply"))
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"attempt\":%d,\"commandId\":\"%s\",\"outcome\":\"SUCCEEDED\",\"result\":%s}"
                            .formatted(
                                accepted.attempt(), accepted.commandId(), accepted.result())))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(callback.statusCode()).as(callback.body()).isEqualTo(202);

    // Then the saga goes on and completes, the reply carrying the command's id
    awaitStatuses(sagas, "COMPLETED");
    assertThat(replies(sagaId))
        .filteredOn(r -> r.getStep().equals("authorize-payment"))
        .singleElement()
        .satisfies(r -> assertThat(r.getCommandId()).isEqualTo(accepted.commandId()));
  }

  @Test
  @Order(7)
  void shouldLoseNoCommandWhenTheWorkerIsKilledMidRun() throws Exception {
    // Given 30 orders whose bookings the carrier holds until the test lets them go
    List<String> sagas = start("http-held-restart", 30);
    // All past the pivot (a payment step timing out while the worker is away would compensate
    // through the same worker), and shipping commands in flight: received, none booked
    await()
        .atMost(SETTLE)
        .until(
            () -> payment.captured().containsAll(orders(sagas)) && !requestsFor(sagas).isEmpty());
    assertThat(shipping.bookings())
        .as("nothing booked before the kill")
        .doesNotContainKeys(orders(sagas).toArray(String[]::new));
    Set<String> inFlight =
        requestsFor(sagas).stream()
            .map(ShippingService.Received::commandId)
            .collect(Collectors.toSet());

    // When the worker is killed with those commands in flight, the carrier lets the held bookings
    // finish, and the worker starts again
    worker.kill();
    int beforeRestart = requestsFor(sagas).size();
    carrier.release();
    worker.start();

    // Then every saga completes
    awaitStatuses(sagas, "COMPLETED");
    // And every command the processor wrote reached the participant
    Set<String> written = commandIds(OrderFulfilmentSaga.SHIPPING, "http-held-restart-");
    List<ShippingService.Received> requests = requestsFor(sagas);
    assertThat(requests.stream().map(ShippingService.Received::commandId)).containsAll(written);
    // And the commands in flight at the kill were delivered again by the new worker, with their
    // same command ids
    assertThat(requests.subList(beforeRestart, requests.size()))
        .extracting(ShippingService.Received::commandId)
        .as("delivered again after the restart")
        .containsAll(inFlight);
    assertThat(shipping.bookings()).containsKeys(orders(sagas).toArray(String[]::new));
  }

  // ---- helpers

  private Optional<PaymentOverHttp.Deferred> deferredFor(String sagaId) {
    return payment.deferred().stream()
        .filter(d -> d.sagaId().equals(sagaId))
        .reduce((first, later) -> later);
  }

  private List<String> start(String prefix, int count) {
    List<String> ids = DemoWorkload.sagaIds(prefix, count);
    DemoData orders =
        modules.demoData().stream()
            .filter(d -> d.sagaType().equals(OrderFulfilmentSaga.TYPE))
            .findFirst()
            .orElseThrow();
    try (StartRequests requests =
        new StartRequests(config, registry, config.participants().seed(), modules.classLoader())) {
      requests.send(orders, ids, () -> {});
    }
    return ids;
  }

  private static List<String> orders(List<String> sagas) {
    return sagas.stream().map(s -> "order-" + s).toList();
  }

  private List<ShippingService.Received> requestsFor(List<String> sagas) {
    Set<String> orders = Set.copyOf(orders(sagas));
    return shipping.received().stream().filter(r -> orders.contains(r.orderId())).toList();
  }

  private void awaitStatuses(List<String> sagas, String status) {
    await()
        .atMost(SETTLE)
        .pollInterval(Duration.ofMillis(250))
        .untilAsserted(
            () ->
                assertThat(
                        sagas.stream().collect(Collectors.toMap(Function.identity(), this::status)))
                    .allSatisfy((saga, s) -> assertThat(s).as(saga).isEqualTo(status)));
  }

  private String status(String sagaId) {
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(
                          "http://127.0.0.1:"
                              + runtime.httpPort().orElseThrow()
                              + "/sagas/"
                              + sagaId))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200
          ? JSON.readTree(response.body()).path("status").asText()
          : "HTTP " + response.statusCode();
    } catch (IOException e) {
      return e.toString();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return e.toString();
    }
  }

  /** The ce_id of every committed command on {@code topic} for sagas starting with the prefix. */
  private Set<String> commandIds(String topic, String sagaPrefix) {
    return readAll(topic, Map.of("isolation.level", "read_committed")).stream()
        .filter(r -> r.key() != null && key(r).startsWith(sagaPrefix))
        .map(r -> header(r, SagaHeaders.CE_ID))
        .collect(Collectors.toSet());
  }

  private List<StepReply> replies(String sagaId) {
    AvroDeserializer<StepReply> decoder = AvroDeserializer.specific(StepReply.class, registry);
    return readAll(SagaTopics.REPLIES, Map.of()).stream()
        .filter(r -> r.key() != null && key(r).equals(sagaId))
        .map(r -> decoder.deserialize(SagaTopics.REPLIES, r.value()))
        .toList();
  }

  /** Dead letters by key: the exception message Connect's reporter put in the headers. */
  private Map<String, String> deadLetterReasons() {
    Map<String, String> reasons = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : readAll(DLQ, Map.of())) {
      reasons.put(key(r), header(r, "__connect.errors.exception.message"));
    }
    return reasons;
  }

  private byte[] validBookShipmentBytes() {
    SpecificRecord command =
        new io.sagaflow.examples.order.BookShipment(
            "order-http-bad-headers",
            io.sagaflow.examples.order.PostalAddress.newBuilder()
                .setRecipient("R")
                .setLine1("1 Street")
                .setCity("Leeds")
                .setPostalCode("12345")
                .setCountryCode("GB")
                .build(),
            List.of());
    return new io.sagaflow.topology.DataCodec(registry, true).encode(command);
  }

  private List<ConsumerRecord<byte[], byte[]>> readAll(String topic, Map<String, Object> extra) {
    Map<String, Object> props = new HashMap<>(extra);
    props.put("bootstrap.servers", broker.bootstrapServers());
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))
          && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    return out;
  }

  private static String key(ConsumerRecord<byte[], byte[]> record) {
    return record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8);
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null ? "" : new String(header.value(), StandardCharsets.UTF_8);
  }
}
