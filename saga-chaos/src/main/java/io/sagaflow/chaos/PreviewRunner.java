package io.sagaflow.chaos;

import io.sagaflow.app.SagaflowCli;
import io.sagaflow.app.demo.SagaProgress;
import io.sagaflow.app.demo.StartRequests;
import io.sagaflow.app.modules.ModuleLoader;
import io.sagaflow.app.modules.SagaModules;
import io.sagaflow.contract.RolloutEvent;
import io.sagaflow.contract.SagaEvent;
import io.sagaflow.module.DemoData;
import io.sagaflow.serde.AvroDeserializer;
import io.sagaflow.serde.RegistryClientSettings;
import io.sagaflow.serde.SchemaRegistry;
import io.sagaflow.serde.SchemaRegistryClient;
import io.sagaflow.topology.SagaTopics;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The preview deploy and rollback (scripts/preview, docs/rollout.md): deploys the build as the
 * preview environment (broker, registry, processors and participants, each a process of its own),
 * starts a rollout of a candidate version whose invariant is broken with the {@code sagaflow
 * rollout} CLI, sends a canary of sagas, and must observe the processors roll it back by
 * themselves: the phase on every processor's API and the ROLLOUT_ROLLED_BACK event on the hook
 * topic. Then it starts more sagas, which must all get the stable version, waits until every saga
 * ended, and has the {@link Verifier} check that none was lost or duplicated.
 */
public final class PreviewRunner {
  private static final String ROLLED_BACK_EVENT = "ROLLOUT_ROLLED_BACK";
  private static final String EXPECTED_GUARD = "INVARIANT_VIOLATIONS";
  private static final Duration PHASE_BOUND = Duration.ofSeconds(60);
  private static final int BATCH = 10;
  private static final Duration BATCH_PAUSE = Duration.ofMillis(250);

  private final PreviewSettings settings;
  private final Console console;
  private final List<String> failures = new ArrayList<>();

  PreviewRunner(PreviewSettings settings, PrintStream out) {
    this.settings = settings;
    this.console = new Console(out, "preview");
  }

  /** Command line: exit 0 when the preview passed, 1 when it failed, 2 on a usage error. */
  public static void main(String[] args) {
    System.exit(PreviewCommand.execute(args));
  }

  /** Runs the whole preview; true when it passed. */
  boolean run() throws InterruptedException {
    SagaModules modules = ModuleLoader.load(Optional.of(settings.pluginPath()));
    String type = settings.sagaType();
    for (int version : new int[] {settings.stableVersion(), settings.candidateVersion()}) {
      if (modules.registry().find(type, version).isEmpty()) {
        throw new IllegalStateException(
            "No module under "
                + settings.pluginPath()
                + " defines '"
                + type
                + "' v"
                + version
                + "; loaded:\n"
                + modules.describe());
      }
    }
    DemoData demo =
        modules.demoData().stream()
            .filter(d -> d.sagaType().equals(type))
            .findFirst()
            .orElseThrow(
                () -> new IllegalStateException("No module has demo data for '" + type + "'"));
    List<StartedSaga> canary = sagas(demo, "canary", settings.canarySagas());
    List<StartedSaga> after = sagas(demo, "after", settings.afterSagas());
    console.say(
        "run %s: %s v%d stable, v%d candidate at %.1f%%, rollback %s; %d processors; work in %s",
        settings.runId(),
        type,
        settings.stableVersion(),
        settings.candidateVersion(),
        settings.weightBasisPoints() / 100.0,
        settings.rollbackEnabled() ? "on" : "OFF (guards that cannot fire)",
        settings.processors(),
        settings.work());
    Deployment deployment = new Deployment(settings.deployment());
    Thread killer = new Thread(() -> killQuietly(deployment), "preview-cleanup");
    // Ctrl-C on the runner must not leave a broker and processors running.
    Runtime.getRuntime().addShutdownHook(killer);
    try {
      deployment.start(settings.processors());
      console.say(
          "up at %.1f s: broker %s, registry %s, %d processors, participants (pid %d)",
          console.elapsedSeconds(),
          deployment.bootstrapServers(),
          deployment.registryUrl(),
          deployment.running().size(),
          deployment.participants().pid());
      boolean passed = drive(deployment, modules, demo, canary, after);
      console.say(
          "ERROR lines in the logs: %s (logs in %s)",
          deployment.errorLines(), settings.work().resolve("logs"));
      failures.forEach(f -> console.say("FAILURE: %s", f));
      console.say(
          "%s in %.0f s",
          passed && failures.isEmpty() ? "PASSED" : "FAILED", console.elapsedSeconds());
      return passed && failures.isEmpty();
    } finally {
      deployment.stop();
      Runtime.getRuntime().removeShutdownHook(killer);
    }
  }

  private boolean drive(
      Deployment deployment,
      SagaModules modules,
      DemoData demo,
      List<StartedSaga> canary,
      List<StartedSaga> after)
      throws InterruptedException {
    List<String> apis = deployment.processors().stream().map(PreviewRunner::apiUrl).toList();
    if (cli(rolloutStart(apis.get(0))) != 0) {
      failures.add("the rollout was not accepted; see the CLI's answer above");
      return false;
    }
    for (String api : apis) {
      if (!awaitPhase(api, "ACTIVE", PHASE_BOUND)) {
        failures.add(
            api + " did not show the rollout ACTIVE within " + PHASE_BOUND.toSeconds() + " s");
        return false;
      }
    }
    console.say("rollout ACTIVE on every processor at %.1f s", console.elapsedSeconds());
    SchemaRegistry schemas =
        new SchemaRegistryClient(RegistryClientSettings.of(deployment.registryUrl()));
    List<StartedSaga> all = new ArrayList<>(canary);
    all.addAll(after);
    try (EventWatcher watcher =
            EventWatcher.start(
                deployment.bootstrapServers(), schemas, settings.runId() + "-", all.size());
        StartRequests requests =
            new StartRequests(
                ChaosRunner.clientConfig(deployment, settings.work()),
                schemas,
                settings.participants().seed(),
                modules.classLoader())) {
      send(requests, demo, canary);
      console.say(
          "canary: %d sagas started over Kafka by %.1f s; awaiting the rollback (at most %d s)",
          canary.size(), console.elapsedSeconds(), settings.rollbackTimeout().toSeconds());
      if (!awaitRollback(deployment, schemas, apis)) {
        return false;
      }
      send(requests, demo, after);
      console.say(
          "after the rollback: %d sagas started by %.1f s", after.size(), console.elapsedSeconds());
      boolean settled = awaitSettled(watcher, all.size());
      SagaProgress.Snapshot end = watcher.progress().snapshot(Instant.now());
      console.say(
          "%s: %d of %d sagas terminal or STUCK at %.1f s",
          settled ? "settled" : "NOT settled", end.settled(), all.size(), console.elapsedSeconds());
      if (!settled) {
        failures.add(
            (all.size() - end.settled())
                + " saga(s) did not end within "
                + settings.settleTimeout().toSeconds()
                + " s");
      }
    }
    VerificationReport report =
        Verifier.verify(
            new VerifierSettings(
                deployment.bootstrapServers(),
                deployment.registryUrl(),
                deployment.applicationId(),
                all,
                settings.participants(),
                0,
                VerifierSettings.DEFAULT_OPEN_TRANSACTION_BOUND,
                VerifierSettings.DEFAULT_READ_BOUND),
            modules);
    report.print(console.out());
    if (!report.passed()) {
      failures.add("the verifier found " + report.violations().size() + " violation(s)");
    }
    summarize(deployment, schemas, canary, after);
    return report.passed();
  }

  /**
   * The rollback as operators see it: the phase on every processor's API (the CLI's {@code
   * --await}), then the event on the hook topic with the guard and its figures.
   */
  private boolean awaitRollback(Deployment deployment, SchemaRegistry schemas, List<String> apis) {
    long began = System.nanoTime();
    if (!awaitPhase(apis.get(0), "ROLLED_BACK", settings.rollbackTimeout())) {
      failures.add(
          "the rollback was not observed within "
              + settings.rollbackTimeout().toSeconds()
              + " s of the canary: "
              + settings.sagaType()
              + " v"
              + settings.candidateVersion()
              + " is still rolled out"
              + (settings.rollbackEnabled()
                  ? ""
                  : " (as expected with --no-rollback: its guards cannot fire)"));
      return false;
    }
    double seconds = (System.nanoTime() - began) / 1e9;
    for (String api : apis.subList(1, apis.size())) {
      if (!awaitPhase(api, "ROLLED_BACK", PHASE_BOUND)) {
        failures.add(api + " did not show the rollback within " + PHASE_BOUND.toSeconds() + " s");
        return false;
      }
    }
    console.say(
        "rollout ROLLED_BACK on every processor, %.1f s after the canary was sent", seconds);
    Optional<RolloutEvent> event =
        new RolloutHook(deployment.bootstrapServers(), schemas)
            .await(settings.sagaType(), ROLLED_BACK_EVENT, PHASE_BOUND);
    if (event.isEmpty()) {
      failures.add("no " + ROLLED_BACK_EVENT + " event on saga.rollout.events");
      return false;
    }
    RolloutEvent e = event.get();
    console.say(
        "rollback: guard %s, observed %s, threshold %s (%s on saga.rollout.events)",
        e.getGuard(), e.getObserved(), e.getThreshold(), ROLLED_BACK_EVENT);
    if (!EXPECTED_GUARD.equals(e.getGuard())) {
      failures.add(
          "the rollback came from guard "
              + e.getGuard()
              + ", not from the candidate's broken invariant ("
              + EXPECTED_GUARD
              + "): "
              + e.getReason());
    }
    return true;
  }

  private void summarize(
      Deployment deployment,
      SchemaRegistry schemas,
      List<StartedSaga> canary,
      List<StartedSaga> after) {
    PreviewSummary summary = new PreviewSummary();
    AvroDeserializer<SagaEvent> events = SagaTopics.EVENT_RECORDS.deserializer(schemas);
    String prefix = settings.runId() + "-";
    new CommittedReader(deployment.bootstrapServers(), VerifierSettings.DEFAULT_READ_BOUND)
        .read(
            SagaTopics.EVENTS,
            r -> {
              if (r.key() != null
                  && r.value() != null
                  && new String(r.key(), java.nio.charset.StandardCharsets.UTF_8)
                      .startsWith(prefix)) {
                summary.add(events.deserialize(r.topic(), r.value()));
              }
            });
    summary.lines().forEach(line -> console.say("%s", line));
    Set<String> canaryIds = ids(canary);
    Set<String> afterIds = ids(after);
    long onCandidate = summary.on(settings.candidateVersion(), canaryIds);
    console.say(
        "canary: %d on v%d, %d on v%d | after the rollback: %d of %d on v%d",
        onCandidate,
        settings.candidateVersion(),
        summary.on(settings.stableVersion(), canaryIds),
        settings.stableVersion(),
        afterIds.size() - summary.notOn(settings.stableVersion(), afterIds).size(),
        afterIds.size(),
        settings.stableVersion());
    if (onCandidate == 0) {
      failures.add("no canary saga ran on the candidate, so the rollback proves nothing");
    }
    List<String> offStable = summary.notOn(settings.stableVersion(), afterIds);
    if (!offStable.isEmpty()) {
      failures.add(
          offStable.size()
              + " saga(s) started after the rollback did not get the stable version: "
              + offStable.subList(0, Math.min(5, offStable.size())));
    }
  }

  private boolean awaitSettled(EventWatcher watcher, int sagas) throws InterruptedException {
    long deadline = System.nanoTime() + settings.settleTimeout().toNanos();
    while (watcher.progress().snapshot(Instant.now()).settled() < sagas) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      TimeUnit.MILLISECONDS.sleep(200);
    }
    return true;
  }

  /** Starts {@code sagas} over Kafka, a batch every 250 ms, so the canary is spread in time. */
  private void send(StartRequests requests, DemoData demo, List<StartedSaga> sagas)
      throws InterruptedException {
    AtomicInteger acknowledged = new AtomicInteger();
    for (int i = 0; i < sagas.size(); i += BATCH) {
      requests.send(
          demo,
          sagas.subList(i, Math.min(sagas.size(), i + BATCH)).stream()
              .map(StartedSaga::sagaId)
              .toList(),
          acknowledged::incrementAndGet);
      TimeUnit.MILLISECONDS.sleep(BATCH_PAUSE.toMillis());
    }
  }

  private String[] rolloutStart(String api) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "rollout",
                "start",
                settings.sagaType(),
                "--candidate",
                Integer.toString(settings.candidateVersion()),
                "--stable",
                Integer.toString(settings.stableVersion()),
                "--weight",
                Integer.toString(settings.weightBasisPoints()),
                "--by",
                "scripts/preview",
                "--url",
                api));
    if (!settings.rollbackEnabled()) {
      // Guards that cannot fire: no count of violations, failure rate or sample reaches these.
      args.addAll(
          List.of(
              "--max-invariant-violations",
              Integer.toString(Integer.MAX_VALUE),
              "--max-failure-rate-increase",
              "10000",
              "--min-sample",
              Integer.toString(Integer.MAX_VALUE)));
    }
    return args.toArray(String[]::new);
  }

  private boolean awaitPhase(String api, String phase, Duration bound) {
    return cli(
            "rollout",
            "status",
            settings.sagaType(),
            "--await",
            phase,
            "--timeout",
            bound.toSeconds() + "s",
            "--url",
            api)
        == 0;
  }

  /** Runs the {@code sagaflow} CLI; its answer is printed only when it did not succeed. */
  private int cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = SagaflowCli.execute(new PrintWriter(out), new PrintWriter(err), args);
    console.say("sagaflow %s -> exit %d", String.join(" ", args), code);
    if (code != 0) {
      (err + "\n" + out).lines().filter(l -> !l.isBlank()).forEach(l -> console.say("  %s", l));
    }
    return code;
  }

  private List<StartedSaga> sagas(DemoData demo, String phase, int count) {
    List<StartedSaga> sagas = new ArrayList<>();
    for (String id :
        io.sagaflow.app.demo.DemoWorkload.sagaIds(
            settings.runId() + "-" + phase + "-" + demo.noun(), count)) {
      sagas.add(new StartedSaga(id, demo.sagaType()));
    }
    return sagas;
  }

  private static Set<String> ids(List<StartedSaga> sagas) {
    Set<String> ids = new LinkedHashSet<>();
    sagas.forEach(s -> ids.add(s.sagaId()));
    return ids;
  }

  private static String apiUrl(Deployment.Processor processor) {
    Properties addresses = new Properties();
    try (Reader in = Files.newBufferedReader(processor.dataDir().resolve("addresses.properties"))) {
      addresses.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot read processor-" + processor.number() + "'s addresses", e);
    }
    return addresses.getProperty("http.api.url");
  }

  private static void killQuietly(Deployment deployment) {
    try {
      deployment.killAll();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
