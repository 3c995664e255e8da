package io.sagaflow.bench;

import io.sagaflow.embedded.TempDirs;
import io.sagaflow.embedded.kafka.EmbeddedKafkaBroker;
import io.sagaflow.embedded.registry.SchemaRegistryServer;
import io.sagaflow.engine.SagaRegistry;
import io.sagaflow.examples.order.OrderFulfilmentSaga;
import io.sagaflow.serde.RegistryClientSettings;
import io.sagaflow.serde.SchemaRegistryClient;
import io.sagaflow.topology.SagaTopology;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.state.HostInfo;

/**
 * The HTTP API load check (scripts/bench-api): finished sagas put into the saga-state store through
 * its changelog, then {@code GET /sagas/{id}} for random existing ids, first answered locally by
 * one instance, then with a second instance, each request sent to the instance that does not own
 * the saga, so it is forwarded once. Prints a Markdown table for docs/benchmarks.md.
 *
 * <p>Arguments (all optional): {@code sagas=100000 connections=4 warmup=10 seconds=20}.
 */
public final class ApiBenchMain {
  private static final int PARTITIONS = 4;
  private static final String APP_ID = "bench-api";

  private ApiBenchMain() {}

  /** Runs both phases and prints the report. */
  public static void main(String[] args) throws Exception {
    int sagas = BenchMain.intArg(args, "sagas", 100_000);
    int connections = BenchMain.intArg(args, "connections", 4);
    HttpLoad load =
        new HttpLoad(
            connections,
            Duration.ofSeconds(BenchMain.intArg(args, "warmup", 10)),
            Duration.ofSeconds(BenchMain.intArg(args, "seconds", 20)));
    Path work = Files.createTempDirectory("sagaflow-bench-api-");
    SagaRegistry registry = SagaRegistry.of(OrderFulfilmentSaga.definition());
    List<HttpLoad.Result> results = new ArrayList<>();
    try (EmbeddedKafkaBroker broker =
            EmbeddedKafkaBroker.builder().dataDir(work.resolve("kafka")).build().start();
        SchemaRegistryServer registryServer =
            SchemaRegistryServer.startOnKafka(0, broker.bootstrapServers())) {
      BenchTopics topics = new BenchTopics(broker, work);
      SagaTopicsSetup.create(topics, PARTITIONS);
      SchemaRegistryClient schemas =
          new SchemaRegistryClient(
              RegistryClientSettings.of("http://127.0.0.1:" + registryServer.port()));
      String changelog =
          topics.create(APP_ID + "-" + SagaTopology.STATE_STORE + "-changelog", PARTITIONS);
      long preloadStart = System.nanoTime();
      StatePreloader.preload(broker.bootstrapServers(), changelog, schemas, sagas);
      System.out.printf(
          Locale.ROOT,
          "Preloaded %,d finished sagas into %s in %.1f s%n",
          sagas,
          changelog,
          (System.nanoTime() - preloadStart) / 1e9);

      try (ApiInstance first =
          new ApiInstance(
                  broker.bootstrapServers(), APP_ID, work.resolve("state-1"), registry, schemas)
              .start()) {
        long restoreStart = System.nanoTime();
        awaitReady(List.of(first));
        System.out.printf(
            Locale.ROOT,
            "One instance restored and ready in %.1f s%n",
            (System.nanoTime() - restoreStart) / 1e9);
        results.add(
            load.run(
                "one instance, local reads",
                random -> {
                  String id = "finished-" + random.nextInt(sagas);
                  return new HttpLoad.Request(URI.create(first.url() + "/sagas/" + id), id);
                }));

        try (ApiInstance second =
            new ApiInstance(
                    broker.bootstrapServers(), APP_ID, work.resolve("state-2"), registry, schemas)
                .start()) {
          long joinStart = System.nanoTime();
          awaitReady(List.of(first, second));
          System.out.printf(
              Locale.ROOT,
              "Second instance joined, partitions split and restored in %.1f s%n",
              (System.nanoTime() - joinStart) / 1e9);
          // Each id's owner, read once from the settled metadata: every request then goes to the
          // other instance, so every one is forwarded.
          String[] nonOwner = new String[sagas];
          for (int i = 0; i < sagas; i++) {
            HostInfo owner =
                first
                    .streams
                    .queryMetadataForKey(
                        SagaTopology.STATE_STORE, "finished-" + i, Serdes.String().serializer())
                    .activeHost();
            nonOwner[i] = owner.equals(first.address) ? second.url() : first.url();
          }
          checkForwarded(nonOwner, 0);
          results.add(
              load.run(
                  "two instances, every read sent to the non-owner (forwarded once)",
                  random -> {
                    int i = random.nextInt(sagas);
                    String id = "finished-" + i;
                    return new HttpLoad.Request(URI.create(nonOwner[i] + "/sagas/" + id), id);
                  }));
        }
      }
    }
    print(sagas, results);
    TempDirs.delete(work);
  }

  /**
   * Waits until every instance runs, the partitions are split between all of them, and each answers
   * ready (its stores restored and queryable).
   */
  private static void awaitReady(List<ApiInstance> instances) throws InterruptedException {
    Set<HostInfo> hosts = instances.stream().map(i -> i.address).collect(Collectors.toSet());
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
    while (!instances.stream().allMatch(i -> ready(i, hosts, http))) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the instances did not become ready in 10 minutes");
      }
      Thread.sleep(200);
    }
  }

  private static boolean ready(ApiInstance instance, Set<HostInfo> hosts, HttpClient http) {
    if (instance.streams.state() != KafkaStreams.State.RUNNING) {
      return false;
    }
    Map<HostInfo, Long> owned =
        instance.streams.metadataForAllStreamsClients().stream()
            .collect(
                Collectors.toMap(
                    StreamsMetadata::hostInfo, m -> (long) m.topicPartitions().size()));
    if (!owned.keySet().equals(hosts) || owned.containsValue(0L)) {
      return false;
    }
    try {
      return http.send(
                  HttpRequest.newBuilder(URI.create(instance.url() + "/health/ready")).build(),
                  HttpResponse.BodyHandlers.discarding())
              .statusCode()
          == 200;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Before measuring, one read proves the route: the answer names the other instance. */
  private static void checkForwarded(String[] nonOwner, int i) throws Exception {
    String id = "finished-" + i;
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(nonOwner[i] + "/sagas/" + id)).build(),
                HttpResponse.BodyHandlers.ofString());
    String asked = nonOwner[i].substring("http://".length());
    if (response.statusCode() != 200 || response.body().contains("\"instance\":\"" + asked)) {
      throw new IllegalStateException(
          "expected a forwarded answer from the owner, got " + response.body());
    }
  }

  private static void print(int sagas, List<HttpLoad.Result> results) {
    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "GET /sagas/{id} for random ids among %,d finished sagas, %d partitions, JVM heap max %d"
            + " MiB, %d cores%n%n",
        sagas,
        PARTITIONS,
        Runtime.getRuntime().maxMemory() >> 20,
        Runtime.getRuntime().availableProcessors());
    System.out.println(
        "| phase | connections | measured s | requests | req/s | p50 ms | p99 ms | max ms |"
            + " failed |");
    System.out.println("|---|---|---|---|---|---|---|---|---|");
    results.forEach(r -> System.out.println(r.row()));
    System.out.printf(
        Locale.ROOT,
        "%nload average at the end: %.2f%n",
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }
}
