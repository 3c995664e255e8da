package io.sagaflow.chaos;

import io.sagaflow.app.config.ConfigLoader;
import io.sagaflow.app.config.ParticipantsConfig;
import io.sagaflow.app.config.SagaflowConfig;
import io.sagaflow.app.demo.SagaProgress;
import io.sagaflow.app.modules.ModuleLoader;
import io.sagaflow.app.modules.SagaModules;
import io.sagaflow.chaos.Deployment.Processor;
import io.sagaflow.chaos.FaultPlan.Fault;
import io.sagaflow.chaos.FaultPlan.Kind;
import io.sagaflow.engine.SagaStatus;
import io.sagaflow.serde.RegistryClientSettings;
import io.sagaflow.serde.SchemaRegistry;
import io.sagaflow.serde.SchemaRegistryClient;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A chaos run: starts the deployment, sends the seeded workload, lands the seeded faults on it,
 * waits until every saga has settled, and has the {@link Verifier} check the committed record.
 * Prints each fault as it lands, the recovery times and the verifier's figures; exits non-zero on
 * any violation. {@code scripts/chaos} builds the jars and runs it; docs/reliability.md shows runs.
 */
public final class ChaosRunner {
  private final ChaosSettings settings;
  private final PrintStream out;
  private final long began = System.nanoTime();
  private final RecoveryTimes processorRecovery = new RecoveryTimes();
  private final RecoveryTimes processorRecoveryFromStart = new RecoveryTimes();
  private final RecoveryTimes brokerRecovery = new RecoveryTimes();
  private final RecoveryTimes brokerRecoveryFromStart = new RecoveryTimes();
  private final List<String> problems = new ArrayList<>();
  private final Set<Integer> retired = new HashSet<>();
  private final Map<Kind, Integer> done = new LinkedHashMap<>();
  private Optional<Pending> pending = Optional.empty();

  /**
   * A fault whose recovery is still being timed: from the kill, and from the moment the victim was
   * started again ({@code down} later), which leaves out the seeded downtime.
   */
  private record Pending(
      Fault fault,
      RecoveryTimes fromKill,
      RecoveryTimes fromStart,
      Duration down,
      CompletableFuture<Duration> resumed) {}

  ChaosRunner(ChaosSettings settings, PrintStream out) {
    this.settings = settings;
    this.out = out;
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
    say(
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
    Deployment deployment = new Deployment(settings);
    Thread killer = new Thread(() -> killQuietly(deployment), "chaos-cleanup");
    // Ctrl-C on the runner must not leave a broker and processors running.
    Runtime.getRuntime().addShutdownHook(killer);
    try {
      deployment.start(settings.processors());
      say(
          "up at %.1f s: broker %s, registry %s, %d processor(s), participants (pid %d)",
          elapsedSeconds(),
          deployment.bootstrapServers(),
          deployment.registryUrl(),
          deployment.running().size(),
          deployment.participants().pid());
      SchemaRegistry schemas =
          new SchemaRegistryClient(RegistryClientSettings.of(deployment.registryUrl()));
      try (EventWatcher watcher =
              EventWatcher.start(
                  deployment.bootstrapServers(), schemas, settings.runId() + "-", sagas.size());
          Workload workload =
              new Workload(
                  clientConfig(deployment),
                  schemas,
                  modules,
                  settings.runId(),
                  sagas,
                  plan.faults().size() + 1,
                  settings.badInputs(),
                  settings.seed())) {
        for (Fault fault : plan.faults()) {
          workload.send(fault.number() - 1, fault.before());
          if (fault.number() == 1) {
            // The first request of a cold client takes seconds (metadata, schema ids); time the
            // first pause from when the workload really flows.
            workload.awaitFirstSent(settings.recoveryBound());
          }
          TimeUnit.MILLISECONDS.sleep(fault.before().toMillis());
          awaitRecovery();
          checkAlive(deployment);
          land(fault, plan.faults().size(), deployment, watcher, workload);
        }
        workload.send(plan.faults().size(), settings.maxGap());
        awaitRecovery();
        workload.awaitSent(settings.settleTimeout());
        boolean settled = awaitSettled(watcher, sagas.size());
        say(
            "%s: %d of %d sagas terminal or STUCK %.1f s after the start",
            settled ? "settled" : "NOT settled",
            watcher.progress().snapshot(Instant.now()).settled(),
            sagas.size(),
            elapsedSeconds());
        checkAlive(deployment);
        VerificationReport report = verify(deployment, modules, sagas);
        summarize(deployment);
        report.print(out);
        boolean passed = report.passed() && problems.isEmpty();
        say(
            "%s in %.0f s",
            passed ? "PASSED" : "FAILED (" + problems.size() + " runner problem(s))",
            elapsedSeconds());
        return passed;
      }
    } finally {
      deployment.stop();
      Runtime.getRuntime().removeShutdownHook(killer);
    }
  }

  private void land(
      Fault fault, int total, Deployment deployment, EventWatcher watcher, Workload workload)
      throws InterruptedException {
    String at =
        String.format(
            Locale.ROOT,
            "fault %d/%d at %.1f s (sent %d, settled %d)",
            fault.number(),
            total,
            elapsedSeconds(),
            workload.sent(),
            watcher.progress().snapshot(Instant.now()).settled());
    switch (fault.kind()) {
      case PROCESSOR_KILL -> killProcessor(fault, at, deployment, watcher);
      case BROKER_RESTART -> restartBroker(fault, at, deployment, watcher);
      case PARTICIPANTS_KILL -> {
        ChildProcess participants = deployment.participants();
        long pid = participants.pid();
        participants.kill();
        TimeUnit.MILLISECONDS.sleep(fault.downtime().toMillis());
        participants.start();
        say("%s: kill -9 participants (pid %d); started again after %s", at, pid, secs(fault));
      }
      case ZOMBIE -> {
        Processor victim = pick(deployment, fault);
        say(
            "%s: SIGSTOP %s (pid %d) for %s, past its transaction and session timeouts",
            at, victim.process().name(), victim.process().pid(), secs(fault));
        victim.process().pause();
        TimeUnit.MILLISECONDS.sleep(fault.downtime().toMillis());
        victim.process().resume();
        say("  SIGCONT %s: it must find itself fenced", victim.process().name());
      }
      case SCALE_OUT -> {
        Processor added = deployment.addProcessor();
        say(
            "%s: scale out: %s started (pid %d); %d running",
            at, added.process().name(), added.process().pid(), deployment.running().size());
      }
      case SCALE_IN -> {
        List<Processor> running = deployment.running();
        if (running.size() <= 1) {
          say("%s: scale in skipped: only one processor runs", at);
        } else {
          Processor newest = running.get(running.size() - 1);
          retired.add(newest.number());
          newest.process().stop(60);
          say(
              "%s: scale in: %s stopped cleanly (SIGTERM); %d running",
              at, newest.process().name(), deployment.running().size());
        }
      }
    }
    done.merge(fault.kind(), 1, Integer::sum);
  }

  private void killProcessor(Fault fault, String at, Deployment deployment, EventWatcher watcher)
      throws InterruptedException {
    Processor victim = pick(deployment, fault);
    Set<Integer> partitions = deployment.partitionsOf(victim);
    long pid = victim.process().pid();
    long killedAt = System.nanoTime();
    victim.process().kill();
    // Measured after the kill: a dead process commits nothing more, so the first event at or past
    // these offsets on its partitions was written by its successor.
    Map<Integer, Long> from = only(deployment.eventEnds(), partitions);
    TimeUnit.MILLISECONDS.sleep(fault.downtime().toMillis());
    victim.process().start();
    Duration down = Duration.ofNanos(System.nanoTime() - killedAt);
    say(
        "%s: kill -9 %s (pid %d, input partitions %s); started again after %s",
        at,
        victim.process().name(),
        pid,
        partitions.isEmpty() ? "unknown: timing on all" : partitions,
        secs(fault));
    pending =
        Optional.of(
            new Pending(
                fault,
                processorRecovery,
                processorRecoveryFromStart,
                down,
                watcher.firstEventFrom(from, killedAt)));
  }

  private void restartBroker(Fault fault, String at, Deployment deployment, EventWatcher watcher)
      throws InterruptedException {
    long pid = deployment.broker().pid();
    long killedAt = System.nanoTime();
    deployment.broker().kill();
    TimeUnit.MILLISECONDS.sleep(fault.downtime().toMillis());
    Duration down = Duration.ofNanos(System.nanoTime() - killedAt);
    deployment.startBroker();
    // Taken once the broker answers again: anything at or past it was written after the restart.
    Map<Integer, Long> from = deployment.eventEnds();
    say(
        "%s: kill -9 broker (pid %d); started again after %s, serving %.1f s after the kill",
        at, pid, secs(fault), (System.nanoTime() - killedAt) / 1e9);
    pending =
        Optional.of(
            new Pending(
                fault,
                brokerRecovery,
                brokerRecoveryFromStart,
                down,
                watcher.firstEventFrom(from, killedAt)));
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
        say(
            "waiting at %.0f s: %d of %d sagas settled, %d running, %d compensating",
            elapsedSeconds(),
            now.settled(),
            sagas,
            now.count(SagaStatus.RUNNING),
            now.count(SagaStatus.COMPENSATING));
      }
      TimeUnit.MILLISECONDS.sleep(200);
    }
  }

  /** Waits for the last timed fault's work to resume, so the next fault finds a working system. */
  private void awaitRecovery() throws InterruptedException {
    if (pending.isEmpty()) {
      return;
    }
    Pending p = pending.get();
    pending = Optional.empty();
    try {
      Duration took = p.resumed().get(settings.recoveryBound().toMillis(), TimeUnit.MILLISECONDS);
      p.fromKill().recovered(took);
      p.fromStart().recovered(took.minus(p.down()));
      say(
          "  fault %d: first new committed saga event %s after the kill, %s after the start",
          p.fault().number(),
          RecoveryTimes.seconds(took),
          RecoveryTimes.seconds(took.minus(p.down())));
    } catch (TimeoutException e) {
      p.fromKill().unrecovered();
      p.fromStart().unrecovered();
      problems.add("fault " + p.fault().number() + ": no new saga event within the bound");
      say(
          "  fault %d: NO new committed saga event within %d s",
          p.fault().number(), settings.recoveryBound().toSeconds());
    } catch (ExecutionException e) {
      throw new IllegalStateException("Recovery timing failed", e.getCause());
    }
  }

  /** A part that died without being killed is a finding; it is started again so the run goes on. */
  private void checkAlive(Deployment deployment) throws InterruptedException {
    List<ChildProcess> parts =
        new ArrayList<>(List.of(deployment.broker(), deployment.participants()));
    for (Processor p : deployment.processors()) {
      if (!retired.contains(p.number())) {
        parts.add(p.process());
      }
    }
    for (ChildProcess part : parts) {
      if (!part.isAlive()) {
        String problem =
            part.name()
                + " exited by itself with status "
                + part.exitStatus().map(String::valueOf).orElse("?")
                + "; see "
                + part.log();
        problems.add(problem);
        say("UNEXPECTED: %s; starting it again", problem);
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
            participants(),
            settings.badInputs(),
            VerifierSettings.DEFAULT_OPEN_TRANSACTION_BOUND,
            VerifierSettings.DEFAULT_READ_BOUND),
        modules);
  }

  private void summarize(Deployment deployment) {
    say(
        "faults: processor kills %d | broker restarts %d | participant kills %d | zombies %d |"
            + " scale steps %d | bad inputs %d",
        done.getOrDefault(Kind.PROCESSOR_KILL, 0),
        done.getOrDefault(Kind.BROKER_RESTART, 0),
        done.getOrDefault(Kind.PARTICIPANTS_KILL, 0),
        done.getOrDefault(Kind.ZOMBIE, 0),
        done.getOrDefault(Kind.SCALE_OUT, 0) + done.getOrDefault(Kind.SCALE_IN, 0),
        settings.badInputs());
    say(
        "recovery after a processor kill (kill -9 -> first new committed saga event on its"
            + " partitions): %s",
        processorRecovery.summary());
    say(
        "  the same from the restart (its seeded downtime left out): %s",
        processorRecoveryFromStart.summary());
    say(
        "recovery after a broker restart (kill -9 -> first new committed saga event): %s",
        brokerRecovery.summary());
    say(
        "  the same from the broker's start (its seeded downtime left out): %s",
        brokerRecoveryFromStart.summary());
    say(
        "ERROR lines in the logs: %s (logs in %s)",
        deployment.errorLines(), settings.work().resolve("logs"));
    if (problems.isEmpty()) {
      say("runner problems: none");
    } else {
      problems.forEach(p -> say("runner problem: %s", p));
    }
  }

  private ParticipantsConfig participants() {
    return new ParticipantsConfig(
        true,
        settings.seed(),
        Duration.ofMillis(settings.latencyMs()),
        settings.declineRate(),
        settings.retriableFailureRate(),
        0.0,
        Set.of());
  }

  /** Settings for the runner's own clients, the workload's producers. */
  private SagaflowConfig clientConfig(Deployment deployment) {
    Map<String, String> s = new LinkedHashMap<>(deployment.participantSettings());
    s.remove("kafka.group.instance.id");
    s.put("saga.mode", "external");
    s.put("saga.env", "preview");
    s.put("kafka.bootstrap.servers", deployment.bootstrapServers());
    s.put("saga.data.dir", settings.work().resolve("runner").toString());
    s.put("saga.demo.enabled", "false");
    return ConfigLoader.load(Map.of(), s);
  }

  private static Processor pick(Deployment deployment, Fault fault) {
    List<Processor> running = deployment.running();
    if (running.isEmpty()) {
      throw new IllegalStateException("No processor runs to land fault " + fault.number() + " on");
    }
    return running.get(fault.target() % running.size());
  }

  private static Map<Integer, Long> only(Map<Integer, Long> ends, Set<Integer> partitions) {
    if (partitions.isEmpty()) {
      return ends;
    }
    Map<Integer, Long> result = new HashMap<>();
    partitions.forEach(p -> result.put(p, ends.get(p)));
    return result;
  }

  private static String secs(Fault fault) {
    return RecoveryTimes.seconds(fault.downtime());
  }

  private double elapsedSeconds() {
    return (System.nanoTime() - began) / 1e9;
  }

  private void say(String format, Object... args) {
    synchronized (out) {
      out.println("chaos     " + String.format(Locale.ROOT, format, args));
      out.flush();
    }
  }

  private static void killQuietly(Deployment deployment) {
    try {
      deployment.killAll();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
