package io.sagaflow.chaos;

import io.sagaflow.app.config.ParticipantsConfig;
import io.sagaflow.embedded.kafka.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The deployment under test, every part a process of its own from sagaflow.jar: the broker ({@code
 * sagaflow kafka}) on a fixed port and data directory, so a restarted broker is the same broker;
 * the registry; one to three processors ({@code sagaflow run --mode external}), each on a data
 * directory of its own; and the simulated participants ({@code sagaflow participants}).
 */
final class Deployment {
  private static final Duration READY_BOUND = Duration.ofMinutes(2);
  private static final String APPLICATION_ID = "sagaflow";
  private static final long STOP_GRACE_SECONDS = 60;

  private final ChaosSettings settings;
  private final int brokerPort = FreePorts.pick();
  private final int registryPort = FreePorts.pick();
  private final ChildProcess broker;
  private final ChildProcess registry;
  private final ChildProcess participants;
  private final List<Processor> processors = new ArrayList<>();
  private final Set<Integer> retired = new HashSet<>();

  /** A processor and its data directory, which holds its static group member id. */
  record Processor(int number, ChildProcess process, Path dataDir) {}

  Deployment(ChaosSettings settings) {
    this.settings = settings;
    Path work = settings.work();
    this.broker =
        new ChildProcess(
            "broker",
            java(
                "512m",
                "kafka",
                "--data-dir",
                work.resolve("kafka").toString(),
                "--port",
                Integer.toString(brokerPort),
                "--address-file",
                brokerAddressFile().toString()),
            log("broker"));
    this.registry =
        new ChildProcess(
            "registry",
            java(
                "256m",
                "registry",
                "--bootstrap-servers",
                bootstrapServers(),
                "--port",
                Integer.toString(registryPort),
                "--url-file",
                registryUrlFile().toString()),
            log("registry"));
    List<String> participantArgs =
        new ArrayList<>(
            List.of(
                "participants",
                "--plugin-path",
                settings.pluginPath().toString(),
                "--bootstrap-servers",
                bootstrapServers()));
    participantSettings().forEach((k, v) -> participantArgs.addAll(List.of("--set", k + "=" + v)));
    this.participants =
        new ChildProcess(
            "participants",
            java("384m", participantArgs.toArray(String[]::new)),
            log("participants"));
  }

  String bootstrapServers() {
    return "127.0.0.1:" + brokerPort;
  }

  String registryUrl() {
    return "http://127.0.0.1:" + registryPort;
  }

  String applicationId() {
    return APPLICATION_ID;
  }

  ChildProcess broker() {
    return broker;
  }

  ChildProcess participants() {
    return participants;
  }

  /** Every processor started so far, stopped ones included, in start order. */
  List<Processor> processors() {
    return List.copyOf(processors);
  }

  /** Marks {@code processor} as stopped on purpose, so its absence is no finding. */
  void retire(Processor processor) {
    retired.add(processor.number());
  }

  /** The processors that should be running: all but the retired. */
  List<Processor> serving() {
    return processors.stream().filter(p -> !retired.contains(p.number())).toList();
  }

  /** The processors running now. */
  List<Processor> running() {
    return processors.stream().filter(p -> p.process().isAlive()).toList();
  }

  /** Starts broker, registry, the first processors and the participants, each once ready. */
  void start(int initialProcessors) throws InterruptedException {
    startBroker();
    registry.start();
    awaitFile(registry, registryUrlFile());
    for (int i = 0; i < initialProcessors; i++) {
      // One at a time: each creates missing topics at start, and two creating them at once race.
      addProcessor();
    }
    participants.start();
  }

  /** Starts the broker (again) and waits until it answers. */
  void startBroker() throws InterruptedException {
    deleteIfExists(brokerAddressFile());
    broker.start();
    awaitFile(broker, brokerAddressFile());
  }

  /** Starts one more processor on a fresh data directory and waits until it is up. */
  Processor addProcessor() throws InterruptedException {
    int number = processors.size() + 1;
    Path dataDir = settings.work().resolve("processor-" + number);
    Processor processor =
        new Processor(
            number,
            new ChildProcess(
                "processor-" + number, processorCommand(dataDir), log("processor-" + number)),
            dataDir);
    processors.add(processor);
    processor.process().start();
    awaitFile(processor.process(), dataDir.resolve("addresses.properties"));
    return processor;
  }

  /**
   * ERROR lines in each part's log, text ({@code " ERROR "}) or JSON ({@code "level":"ERROR"}):
   * what a user watching it would take for failure.
   */
  Map<String, Long> errorLines() {
    Map<String, Long> counts = new LinkedHashMap<>();
    List<ChildProcess> all = new ArrayList<>(List.of(broker, registry, participants));
    processors.forEach(p -> all.add(p.process()));
    for (ChildProcess part : all) {
      if (Files.exists(part.log())) {
        try (Stream<String> lines = Files.lines(part.log(), StandardCharsets.UTF_8)) {
          counts.put(
              part.name(),
              lines
                  .filter(l -> l.contains(" ERROR ") || l.contains("\"level\":\"ERROR\""))
                  .count());
        } catch (IOException | UncheckedIOException e) {
          counts.put(part.name(), -1L);
        }
      }
    }
    return counts;
  }

  /** Stops everything cleanly, participants and processors first, the broker last. */
  void stop() throws InterruptedException {
    participants.stop(STOP_GRACE_SECONDS);
    for (Processor processor : processors) {
      processor.process().stop(STOP_GRACE_SECONDS);
    }
    registry.stop(STOP_GRACE_SECONDS);
    broker.stop(STOP_GRACE_SECONDS);
  }

  /** Kills whatever still runs, for a runner that is itself being stopped. */
  void killAll() throws InterruptedException {
    participants.kill();
    for (Processor processor : processors) {
      processor.process().kill();
    }
    registry.kill();
    broker.kill();
  }

  private List<String> processorCommand(Path dataDir) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "run",
                "--plugin-path",
                settings.pluginPath().toString(),
                "--mode",
                "external",
                "--env",
                "preview",
                "--bootstrap-servers",
                bootstrapServers(),
                "--data-dir",
                dataDir.toString(),
                "--no-demo",
                "--set",
                "saga.schema.registry.url=" + registryUrl(),
                "--set",
                "kafka.application.id=" + APPLICATION_ID,
                "--set",
                "saga.participants.enabled=false"));
    settings
        .commitIntervalMs()
        .ifPresent(ms -> args.addAll(List.of("--set", "kafka.commit.interval.ms=" + ms)));
    settings
        .standbyReplicas()
        .ifPresent(n -> args.addAll(List.of("--set", "kafka.num.standby.replicas=" + n)));
    settings
        .sessionTimeoutMs()
        .ifPresent(ms -> args.addAll(List.of("--set", "kafka.session.timeout.ms=" + ms)));
    return java("384m", args.toArray(String[]::new));
  }

  /** The participants' settings; the verifier predicts outcomes from the same ones. */
  Map<String, String> participantSettings() {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("saga.schema.registry.url", registryUrl());
    s.put("kafka.application.id", APPLICATION_ID);
    ParticipantsConfig p = settings.participants();
    s.put("saga.participants.seed", Long.toString(p.seed()));
    s.put("saga.participants.decline.rate", Double.toString(p.declineRate()));
    s.put("saga.participants.retriable.failure.rate", Double.toString(p.retriableFailureRate()));
    s.put("saga.participants.silence.rate", Double.toString(p.silenceRate()));
    s.put("saga.participants.duplicate.reply.rate", Double.toString(p.duplicateReplyRate()));
    s.put("saga.participants.late.reply.rate", Double.toString(p.lateReplyRate()));
    s.put("saga.participants.garbage.reply.rate", Double.toString(p.garbageReplyRate()));
    s.put("saga.participants.latency.ms", Long.toString(p.latency().toMillis()));
    // Static members: a participant process restarted after SIGKILL takes its partitions back at
    // once instead of waiting 45 s for the dead consumers' sessions to expire, which would time
    // out steps. One id serves all seven, since each participant has a group of its own.
    s.put("kafka.group.instance.id", "chaos-participants");
    return s;
  }

  private List<String> java(String heap, String... args) {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap,
                "-XX:+ExitOnOutOfMemoryError",
                "-jar",
                settings.jar().toString()));
    command.addAll(List.of(args));
    return command;
  }

  private Path log(String name) {
    return settings.work().resolve("logs").resolve(name + ".log");
  }

  private Path brokerAddressFile() {
    return settings.work().resolve("kafka.address");
  }

  private Path registryUrlFile() {
    return settings.work().resolve("registry.url");
  }

  private static void awaitFile(ChildProcess part, Path file) throws InterruptedException {
    long deadline = System.nanoTime() + READY_BOUND.toNanos();
    while (!isNonEmpty(file)) {
      if (!part.isAlive()) {
        throw new IllegalStateException(
            part.name()
                + " exited with status "
                + part.exitStatus().map(String::valueOf).orElse("?")
                + " before it was ready; see "
                + part.log());
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            part.name()
                + " was not ready within "
                + READY_BOUND.toSeconds()
                + " s; see "
                + part.log());
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
  }

  private static boolean isNonEmpty(Path file) {
    try {
      return Files.exists(file) && Files.size(file) > 0;
    } catch (IOException e) {
      return false;
    }
  }

  private static void deleteIfExists(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new UncheckedIOException("Could not delete " + file, e);
    }
  }
}
