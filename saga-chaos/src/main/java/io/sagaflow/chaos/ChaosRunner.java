package io.sagaflow.chaos;

import io.sagaflow.app.config.ConfigLoader;
import io.sagaflow.app.config.ParticipantsConfig;
import io.sagaflow.app.config.SagaflowConfig;
import io.sagaflow.app.demo.SagaProgress;
import io.sagaflow.app.modules.ModuleLoader;
import io.sagaflow.app.modules.SagaModules;
import io.sagaflow.chaos.FaultPlan.Fault;
import io.sagaflow.chaos.FaultPlan.Kind;
import io.sagaflow.engine.SagaStatus;
import io.sagaflow.serde.RegistryClientSettings;
import io.sagaflow.serde.SchemaRegistry;
import io.sagaflow.serde.SchemaRegistryClient;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A chaos run: starts the deployment, sends the seeded workload, lands the seeded faults on it,
 * waits until every saga has settled, and has the {@link Verifier} check the committed record.
 * Prints each fault as it lands, the recovery times and the verifier's figures; exits non-zero on
 * any violation. {@code scripts/chaos} builds the jars and runs it; docs/reliability.md shows runs.
 */
public final class ChaosRunner {
  private final ChaosSettings settings;
  private final Console console;
  private final List<String> problems = new ArrayList<>();

  ChaosRunner(ChaosSettings settings, PrintStream out) {
    this.settings = settings;
    this.console = new Console(out);
  }

  /** Command line: exit 0 when the run passed, 1 on any violation, 2 on a usage error. */
  public static void main(String[] args) {
    System.exit(ChaosCommand.execute(args));
  }

  /** Runs the whole chaos run; true when it passed. */
  boolean run() throws InterruptedException {
    SagaModules modules = ModuleLoader.load(Optional.of(settings.pluginPath()));
    List<StartedSaga> sagas = StartedSaga.ofRun(modules, settings.runId(), settings.sagasPerType());
    FaultPlan plan =
        FaultPlan.draw(
            settings.seed(),
            settings.faults(),
            settings.minGap(),
            settings.maxGap(),
            settings.zombiePause());
    ParticipantsConfig participants = settings.participants();
    console.say(
        "run %s, seed %d: %d sagas (%d per type), %d processor(s), commit interval %s, standby"
            + " replicas %s, %d faults, %d bad inputs; work in %s",
        settings.runId(),
        settings.seed(),
        sagas.size(),
        settings.sagasPerType(),
        settings.processors(),
        settings.commitIntervalMs().map(ms -> ms + " ms").orElse("default"),
        settings.standbyReplicas().map(String::valueOf).orElse("default"),
        plan.faults().size(),
        settings.badInputs(),
        settings.work());
    console.say(
        "participants: decline %s, retriable failure %s, silence %s | misbehaving first attempts:"
            + " duplicate %s, late %s, garbage %s (%d garbage replies, each owed a dead letter)",
        participants.declineRate(),
        participants.retriableFailureRate(),
        participants.silenceRate(),
        participants.duplicateReplyRate(),
        participants.lateReplyRate(),
        participants.garbageReplyRate(),
        GarbageReplies.predicted(modules, sagas, participants));
    Deployment deployment = new Deployment(settings);
    Thread killer = new Thread(() -> killQuietly(deployment), "chaos-cleanup");
    // Ctrl-C on the runner must not leave a broker and processors running.
    Runtime.getRuntime().addShutdownHook(killer);
    try {
      deployment.start(settings.processors());
      console.say(
          "up at %.1f s: broker %s, registry %s, %d processor(s), participants (pid %d)",
          console.elapsedSeconds(),
          deployment.bootstrapServers(),
          deployment.registryUrl(),
          deployment.running().size(),
          deployment.participants().pid());
      return drive(deployment, modules, sagas, plan);
    } finally {
      deployment.stop();
      Runtime.getRuntime().removeShutdownHook(killer);
    }
  }

  private boolean drive(
      Deployment deployment, SagaModules modules, List<StartedSaga> sagas, FaultPlan plan)
      throws InterruptedException {
    SchemaRegistry schemas =
        new SchemaRegistryClient(RegistryClientSettings.of(deployment.registryUrl()));
    Recoveries recoveries = new Recoveries(console, settings.recoveryBound());
    try (ClusterView cluster =
            new ClusterView(deployment.bootstrapServers(), deployment.applicationId());
        EventWatcher watcher =
            EventWatcher.start(
                deployment.bootstrapServers(), schemas, settings.runId() + "-", sagas.size());
        Workload workload =
            new Workload(
                clientConfig(deployment, settings.work()),
                schemas,
                modules,
                settings.runId(),
                sagas,
                plan.faults().size() + 1,
                settings.badInputs(),
                settings.seed())) {
      FaultLander lander =
          new FaultLander(deployment, cluster, watcher, workload, recoveries, console);
      for (Fault fault : plan.faults()) {
        workload.send(fault.number() - 1, fault.before());
        if (fault.number() == 1) {
          // The first request of a cold client takes seconds (metadata, schema ids); time the
          // first pause from when the workload really flows.
          workload.awaitFirstSent(settings.recoveryBound());
        }
        TimeUnit.MILLISECONDS.sleep(fault.before().toMillis());
        recoveries.await().ifPresent(problems::add);
        checkAlive(deployment);
        lander.land(fault, plan.faults().size());
      }
      workload.send(plan.faults().size(), settings.maxGap());
      recoveries.await().ifPresent(problems::add);
      workload.awaitSent(settings.settleTimeout());
      boolean settled = awaitSettled(watcher, sagas.size());
      console.say(
          "%s: %d of %d sagas terminal or STUCK %.1f s after the start",
          settled ? "settled" : "NOT settled",
          watcher.progress().snapshot(Instant.now()).settled(),
          sagas.size(),
          console.elapsedSeconds());
      checkAlive(deployment);
      VerificationReport report = verify(deployment, modules, sagas);
      summarize(deployment, lander, recoveries);
      report.print(console.out());
      boolean passed = report.passed() && problems.isEmpty();
      console.say(
          "%s in %.0f s",
          passed ? "PASSED" : "FAILED (" + problems.size() + " runner problem(s))",
          console.elapsedSeconds());
      return passed;
    }
  }

  /** Waits until every saga is terminal or STUCK, saying how far it got every 10 s. */
  private boolean awaitSettled(EventWatcher watcher, int sagas) throws InterruptedException {
    long deadline = System.nanoTime() + settings.settleTimeout().toNanos();
    long nextReport = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      SagaProgress.Snapshot now = watcher.progress().snapshot(Instant.now());
      if (now.settled() == sagas) {
        return true;
      }
      if (System.nanoTime() > deadline) {
        return false;
      }
      if (System.nanoTime() > nextReport) {
        nextReport += TimeUnit.SECONDS.toNanos(10);
        console.say(
            "waiting at %.0f s: %d of %d sagas settled, %d running, %d compensating",
            console.elapsedSeconds(),
            now.settled(),
            sagas,
            now.count(SagaStatus.RUNNING),
            now.count(SagaStatus.COMPENSATING));
      }
      TimeUnit.MILLISECONDS.sleep(200);
    }
  }

  /** A part that died without being killed is a finding; it is started again so the run goes on. */
  private void checkAlive(Deployment deployment) throws InterruptedException {
    List<ChildProcess> parts =
        new ArrayList<>(List.of(deployment.broker(), deployment.participants()));
    deployment.serving().forEach(p -> parts.add(p.process()));
    for (ChildProcess part : parts) {
      if (!part.isAlive()) {
        String problem =
            part.name()
                + " exited by itself with status "
                + part.exitStatus().map(String::valueOf).orElse("?")
                + "; see "
                + part.log();
        problems.add(problem);
        console.say("UNEXPECTED: %s; starting it again", problem);
        if (part == deployment.broker()) {
          deployment.startBroker();
        } else {
          part.start();
        }
      }
    }
  }

  private VerificationReport verify(
      Deployment deployment, SagaModules modules, List<StartedSaga> sagas)
      throws InterruptedException {
    return Verifier.verify(
        new VerifierSettings(
            deployment.bootstrapServers(),
            deployment.registryUrl(),
            deployment.applicationId(),
            sagas,
            settings.participants(),
            settings.badInputs()
                + GarbageReplies.predicted(modules, sagas, settings.participants()),
            VerifierSettings.DEFAULT_OPEN_TRANSACTION_BOUND,
            VerifierSettings.DEFAULT_READ_BOUND),
        modules);
  }

  private void summarize(Deployment deployment, FaultLander lander, Recoveries recoveries) {
    console.say(
        "faults: processor kills %d | broker restarts %d | participant kills %d | zombies %d |"
            + " scale steps %d | bad inputs %d",
        lander.landed(Kind.PROCESSOR_KILL),
        lander.landed(Kind.BROKER_RESTART),
        lander.landed(Kind.PARTICIPANTS_KILL),
        lander.landed(Kind.ZOMBIE),
        lander.landed(Kind.SCALE_OUT) + lander.landed(Kind.SCALE_IN),
        settings.badInputs());
    recoveries.summary().forEach(line -> console.say("%s", line));
    console.say(
        "ERROR lines in the logs: %s (logs in %s)",
        deployment.errorLines(), settings.work().resolve("logs"));
    if (problems.isEmpty()) {
      console.say("runner problems: none");
    } else {
      problems.forEach(p -> console.say("runner problem: %s", p));
    }
  }

  /**
   * Settings for a runner's own clients, the workload's producers, with state under {@code work}.
   */
  static SagaflowConfig clientConfig(Deployment deployment, Path work) {
    Map<String, String> s = new LinkedHashMap<>(deployment.participantSettings());
    s.remove("kafka.group.instance.id");
    s.put("saga.mode", "external");
    s.put("saga.env", "preview");
    s.put("kafka.bootstrap.servers", deployment.bootstrapServers());
    s.put("saga.data.dir", work.resolve("runner").toString());
    s.put("saga.demo.enabled", "false");
    return ConfigLoader.load(Map.of(), s);
  }

  private static void killQuietly(Deployment deployment) {
    try {
      deployment.killAll();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
