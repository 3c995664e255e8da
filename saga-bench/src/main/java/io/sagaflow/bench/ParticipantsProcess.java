package io.sagaflow.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The participants of one phase in a child JVM ({@link ParticipantsMain}) on the benchmark's own
 * class path; its log goes to a file in the work directory. Their CPU time is the child process's,
 * as the operating system counts it (JIT and GC of that JVM included).
 */
final class ParticipantsProcess implements BenchParticipants {
  private final Process process;
  private final BufferedReader out;
  private final PrintStream in;
  private final Path log;

  private ParticipantsProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
    this.out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    this.in = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
  }

  static ParticipantsProcess start(
      String bootstrap, String registryUrl, String appId, double declineRate, Path log)
      throws IOException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> command = new ArrayList<>(List.of(java.toString(), "-Xms256m", "-Xmx256m"));
    // The participants' experimental settings travel with them (SagaRun.participantConfig).
    BenchMain.overrides(SagaRun.PARTICIPANT_OVERRIDE)
        .forEach((k, v) -> command.add("-D" + SagaRun.PARTICIPANT_OVERRIDE + k + "=" + v));
    command.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            ParticipantsMain.class.getName(),
            bootstrap,
            registryUrl,
            appId,
            Double.toString(declineRate)));
    Process process = new ProcessBuilder(command).redirectError(log.toFile()).start();
    ParticipantsProcess started = new ParticipantsProcess(process, log);
    String first = started.out.readLine();
    if (!ParticipantsMain.READY.equals(first)) {
      started.close();
      throw new IllegalStateException(
          "The participants' JVM did not start (it said " + first + "); see its log " + log);
    }
    return started;
  }

  @Override
  public Optional<Long> ownProcessCpuNanos() {
    return process.toHandle().info().totalCpuDuration().map(Duration::toNanos);
  }

  @Override
  public Map<ProducerTotals.Key, ProducerTotals.Sent> sentElsewhere() {
    Map<ProducerTotals.Key, ProducerTotals.Sent> sent = new TreeMap<>(ProducerTotals::compare);
    in.println(ParticipantsMain.MEASURE);
    try {
      for (String line = out.readLine();
          !ParticipantsMain.END.equals(line);
          line = out.readLine()) {
        if (line == null) {
          throw new IllegalStateException("The participants' JVM ended; see its log " + log);
        }
        String[] f = line.split("\t", -1);
        sent.put(
            new ProducerTotals.Key(f[0], f[1]),
            new ProducerTotals.Sent(
                Long.parseLong(f[2]), Long.parseLong(f[3]), Long.parseLong(f[4])));
      }
    } catch (IOException e) {
      throw new IllegalStateException(
          "Could not read the participants' JVM; see its log " + log, e);
    }
    return sent;
  }

  @Override
  public void close() {
    // End of input is the child's signal to close its participants and exit.
    in.close();
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
