package io.sagaflow.chaos;

import io.sagaflow.chaos.Deployment.Processor;
import io.sagaflow.chaos.FaultPlan.Fault;
import io.sagaflow.chaos.FaultPlan.Kind;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** Lands one fault of the plan on the deployment, says what it did and starts timing recovery. */
final class FaultLander {
  private static final long STOP_GRACE_SECONDS = 60;

  private final Deployment deployment;
  private final ClusterView cluster;
  private final EventWatcher watcher;
  private final Workload workload;
  private final Recoveries recoveries;
  private final Console console;
  private final Map<Kind, Integer> landed = new EnumMap<>(Kind.class);

  FaultLander(
      Deployment deployment,
      ClusterView cluster,
      EventWatcher watcher,
      Workload workload,
      Recoveries recoveries,
      Console console) {
    this.deployment = deployment;
    this.cluster = cluster;
    this.watcher = watcher;
    this.workload = workload;
    this.recoveries = recoveries;
    this.console = console;
  }

  /** How many faults of {@code kind} have landed. */
  int landed(Kind kind) {
    return landed.getOrDefault(kind, 0);
  }

  void land(Fault fault, int total) throws InterruptedException {
    String at =
        String.format(
            Locale.ROOT,
            "fault %d/%d at %.1f s (sent %d, settled %d)",
            fault.number(),
            total,
            console.elapsedSeconds(),
            workload.sent(),
            watcher.progress().snapshot(Instant.now()).settled());
    switch (fault.kind()) {
      case PROCESSOR_KILL -> killProcessor(fault, at);
      case BROKER_RESTART -> restartBroker(fault, at);
      case PARTICIPANTS_KILL -> killParticipants(fault, at);
      case ZOMBIE -> freeze(fault, at);
      case SCALE_OUT -> {
        Processor added = deployment.addProcessor();
        console.say(
            "%s: scale out: %s started (pid %d); %d running",
            at, added.process().name(), added.process().pid(), deployment.running().size());
      }
      case SCALE_IN -> scaleIn(at);
    }
    landed.merge(fault.kind(), 1, Integer::sum);
  }

  private void killProcessor(Fault fault, String at) throws InterruptedException {
    Processor victim = pick(fault);
    Set<Integer> partitions = cluster.partitionsOf(victim);
    long pid = victim.process().pid();
    long killedAt = System.nanoTime();
    victim.process().kill();
    // Measured after the kill: a dead process commits nothing more, so the first event at or past
    // these offsets on its partitions was written by its successor.
    Map<Integer, Long> from = only(cluster.eventEnds(), partitions);
    TimeUnit.MILLISECONDS.sleep(fault.downtime().toMillis());
    victim.process().start();
    Duration down = Duration.ofNanos(System.nanoTime() - killedAt);
    console.say(
        "%s: kill -9 %s (pid %d, input partitions %s); started again after %s",
        at,
        victim.process().name(),
        pid,
        partitions.isEmpty() ? "unknown: timing on all" : partitions,
        RecoveryTimes.seconds(fault.downtime()));
    recoveries.processorKilled(fault, down, watcher.firstEventFrom(from, killedAt));
  }

  private void restartBroker(Fault fault, String at) throws InterruptedException {
    long pid = deployment.broker().pid();
    long killedAt = System.nanoTime();
    deployment.broker().kill();
    TimeUnit.MILLISECONDS.sleep(fault.downtime().toMillis());
    Duration down = Duration.ofNanos(System.nanoTime() - killedAt);
    deployment.startBroker();
    // Taken once the broker answers again: anything at or past it was written after the restart.
    Map<Integer, Long> from = cluster.eventEnds();
    console.say(
        "%s: kill -9 broker (pid %d); started again after %s, serving %.1f s after the kill",
        at, pid, RecoveryTimes.seconds(fault.downtime()), (System.nanoTime() - killedAt) / 1e9);
    recoveries.brokerKilled(fault, down, watcher.firstEventFrom(from, killedAt));
  }

  private void killParticipants(Fault fault, String at) throws InterruptedException {
    ChildProcess participants = deployment.participants();
    long pid = participants.pid();
    participants.kill();
    TimeUnit.MILLISECONDS.sleep(fault.downtime().toMillis());
    participants.start();
    console.say(
        "%s: kill -9 participants (pid %d); started again after %s",
        at, pid, RecoveryTimes.seconds(fault.downtime()));
  }

  private void freeze(Fault fault, String at) throws InterruptedException {
    Processor victim = pick(fault);
    console.say(
        "%s: SIGSTOP %s (pid %d) for %s, past its transaction and session timeouts",
        at,
        victim.process().name(),
        victim.process().pid(),
        RecoveryTimes.seconds(fault.downtime()));
    victim.process().pause();
    TimeUnit.MILLISECONDS.sleep(fault.downtime().toMillis());
    victim.process().resume();
    console.say("  SIGCONT %s: it must find itself fenced", victim.process().name());
  }

  private void scaleIn(String at) throws InterruptedException {
    List<Processor> running = deployment.running();
    if (running.size() <= 1) {
      console.say("%s: scale in skipped: only one processor runs", at);
      return;
    }
    Processor newest = running.get(running.size() - 1);
    deployment.retire(newest);
    newest.process().stop(STOP_GRACE_SECONDS);
    console.say(
        "%s: scale in: %s stopped cleanly (SIGTERM); %d running",
        at, newest.process().name(), deployment.running().size());
  }

  private Processor pick(Fault fault) {
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
}
