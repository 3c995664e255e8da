package io.sagaflow.app.demo;

import io.sagaflow.app.config.SagaflowConfig;
import io.sagaflow.app.modules.SagaModules;
import io.sagaflow.app.participants.ParticipantBehaviour;
import io.sagaflow.engine.SagaDefinition;
import io.sagaflow.engine.SagaStatus;
import io.sagaflow.module.DemoData;
import io.sagaflow.serde.SchemaRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The seeded demo: starts N sagas of each type whose module has demo data (the order and money
 * transfer examples by default), follows them on {@code saga.events} and knows, from the seed, how
 * many should complete and how many should be compensated.
 */
public final class DemoWorkload implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DemoWorkload.class);

  private final String runId;
  private final long seed;
  private final Map<SagaStatus, Integer> expected;
  private final List<TypeExpectation> types;
  private final SagaProgress progress;
  private final EventReader reader;
  private final Thread sender;

  private DemoWorkload(
      String runId,
      long seed,
      Map<SagaStatus, Integer> expected,
      List<TypeExpectation> types,
      SagaProgress progress,
      EventReader reader,
      Thread sender) {
    this.runId = runId;
    this.seed = seed;
    this.expected = expected;
    this.types = List.copyOf(types);
    this.progress = progress;
    this.reader = reader;
    this.sender = sender;
  }

  /**
   * Starts following events, then sends the start requests on a thread of their own.
   *
   * @throws IllegalStateException when no loaded module has demo data
   */
  public static DemoWorkload start(
      SagaflowConfig config, SchemaRegistry schemas, SagaModules modules) {
    List<DemoData> demos = modules.demoData();
    if (demos.isEmpty()) {
      throw new IllegalStateException(
          "The demo is on but no loaded saga module has demo data; run with --no-demo.");
    }
    String runId = config.demo().runId().orElseGet(DemoWorkload::newRunId);
    long seed = config.participants().seed();
    List<ParticipantBehaviour> participants =
        ParticipantBehaviour.of(modules.participants(), modules.registry(), config.participants());
    Map<DemoData, List<String>> sagas = new LinkedHashMap<>();
    Map<SagaStatus, Integer> expected = new EnumMap<>(SagaStatus.class);
    List<TypeExpectation> types = new ArrayList<>();
    List<String> allIds = new ArrayList<>();
    for (DemoData demo : demos) {
      String prefix = runId + "-" + demo.noun();
      List<String> ids = sagaIds(prefix, config.demo().sagas());
      SagaDefinition<?> definition = modules.registry().latest(demo.sagaType()).orElseThrow();
      Map<SagaStatus, Integer> predicted =
          new OutcomePrediction(definition, participants).counts(ids);
      predicted.forEach((status, count) -> expected.merge(status, count, Integer::sum));
      types.add(new TypeExpectation(demo.sagaType(), prefix + "-", ids.size(), predicted));
      sagas.put(demo, ids);
      allIds.addAll(ids);
    }
    SagaProgress progress = new SagaProgress(allIds.size(), Instant.now());
    EventReader reader = EventReader.start(config, schemas, runId + "-", progress, false);
    Thread sender =
        new Thread(
            () -> {
              try (StartRequests requests =
                  new StartRequests(config, schemas, seed, modules.classLoader())) {
                sagas.forEach((demo, ids) -> requests.send(demo, ids, progress::sent));
              } catch (RuntimeException e) {
                LOG.error("The demo could not send its start requests: {}", e.getMessage(), e);
              }
            },
            "demo-start-requests");
    sender.start();
    LOG.info(
        "Demo run {}: {} sagas ({}), seed {}; expected from the seed: {}",
        runId,
        allIds.size(),
        demos.stream().map(d -> config.demo().sagas() + " " + d.sagaType()).toList(),
        seed,
        expected);
    return new DemoWorkload(runId, seed, expected, types, progress, reader, sender);
  }

  /** The saga ids of one type in a run: {@code <prefix>-00001} to {@code <prefix>-<count>}. */
  public static List<String> sagaIds(String prefix, int count) {
    List<String> ids = new ArrayList<>(count);
    for (int i = 1; i <= count; i++) {
      ids.add(String.format(Locale.ROOT, "%s-%05d", prefix, i));
    }
    return ids;
  }

  private static String newRunId() {
    // Base 36 of the start second: short, ordered, and new for every run on the same data.
    return "demo-" + Long.toString(Instant.now().getEpochSecond(), 36);
  }

  /** The prefix of this run's saga ids. */
  public String runId() {
    return runId;
  }

  /** The counts by final status that the seed predicts. */
  public Map<SagaStatus, Integer> expected() {
    return expected;
  }

  /** Progress now. */
  public SagaProgress.Snapshot snapshot() {
    return progress.snapshot(Instant.now());
  }

  /** The latest status of each saga of the run seen on {@code saga.events}, by saga id. */
  public Map<String, SagaStatus> statuses() {
    return progress.statuses();
  }

  /** Waits until every saga is terminal or STUCK; false when {@code timeout} passed first. */
  public boolean awaitFinished(Duration timeout) throws InterruptedException {
    return progress.awaitFinished(timeout);
  }

  /** One progress line: started, completed, compensated, failed, stuck and throughput. */
  public String progressLine() {
    SagaProgress.Snapshot s = snapshot();
    return String.format(
        Locale.ROOT,
        "progress  sent %d/%d | started %d | running %d | completed %d | compensated %d | failed %d"
            + " | stuck %d | %.0f sagas/s",
        s.sent(),
        s.expected(),
        s.started(),
        s.count(SagaStatus.RUNNING) + s.count(SagaStatus.COMPENSATING),
        s.count(SagaStatus.COMPLETED),
        s.count(SagaStatus.COMPENSATED),
        s.count(SagaStatus.FAILED),
        s.count(SagaStatus.STUCK),
        s.throughput());
  }

  /** The final summary, per saga type and in total, with the seed's prediction beside it. */
  public String summary() {
    SagaProgress.Snapshot s = snapshot();
    Map<String, SagaStatus> statuses = progress.statuses();
    boolean matches =
        TypeExpectation.OUTCOMES.stream()
                .allMatch(status -> s.count(status) == expected.getOrDefault(status, 0))
            && types.stream().allMatch(t -> t.matches(statuses));
    StringBuilder perType = new StringBuilder();
    types.forEach(
        t -> perType.append("  ").append(t.line(statuses)).append(System.lineSeparator()));
    return String.format(
        Locale.ROOT,
        "Demo %s %s in %.1f s: %d sagas, %d completed, %d compensated, %d failed, %d stuck,"
            + " %.0f sagas/s.%n%s  Expected from seed %d: %d completed, %d compensated, %d failed,"
            + " %d stuck: %s.",
        runId,
        s.finished() ? "finished" : "did NOT finish",
        s.elapsed().toMillis() / 1000.0,
        s.expected(),
        s.count(SagaStatus.COMPLETED),
        s.count(SagaStatus.COMPENSATED),
        s.count(SagaStatus.FAILED),
        s.count(SagaStatus.STUCK),
        s.throughput(),
        perType,
        seed,
        expected.getOrDefault(SagaStatus.COMPLETED, 0),
        expected.getOrDefault(SagaStatus.COMPENSATED, 0),
        expected.getOrDefault(SagaStatus.FAILED, 0),
        expected.getOrDefault(SagaStatus.STUCK, 0),
        matches ? "matches" : "DOES NOT MATCH");
  }

  @Override
  public void close() {
    try {
      sender.join(TimeUnit.SECONDS.toMillis(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    reader.close();
  }
}
