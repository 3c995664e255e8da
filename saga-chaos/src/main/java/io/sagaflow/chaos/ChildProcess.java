package io.sagaflow.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One part of the deployment running as a process of its own ({@code java -jar sagaflow.jar ...}),
 * so it can be killed the way machines fail: SIGKILL with no chance to close anything, SIGSTOP to
 * freeze it as a long GC pause or a stalled VM would. Its output is appended to one log across
 * restarts.
 */
final class ChildProcess {
  private final String name;
  private final List<String> command;
  private final Path log;
  private Optional<Process> process = Optional.empty();
  private int starts;

  ChildProcess(String name, List<String> command, Path log) {
    this.name = name;
    this.command = List.copyOf(command);
    this.log = log;
  }

  String name() {
    return name;
  }

  Path log() {
    return log;
  }

  /** Starts (or starts again) the same command; output goes to the end of the log. */
  synchronized void start() {
    if (isAlive()) {
      throw new IllegalStateException(name + " is already running (pid " + pid() + ")");
    }
    try {
      Files.createDirectories(log.getParent());
      Files.writeString(
          log,
          "==== chaos: start #" + (starts + 1) + " of " + name + ": " + command + "\n",
          java.nio.charset.StandardCharsets.UTF_8,
          java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND);
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      // RocksDB unpacks its 15 MB native library into java.io.tmpdir and deletes it on a clean
      // exit only: every kill -9 would leave one behind. Here it goes to a directory of this
      // child's own, under the run's, where each start replaces the last one's.
      Path nativeDir = log.resolveSibling(name + ".native");
      Files.createDirectories(nativeDir);
      builder.environment().put("ROCKSDB_SHAREDLIB_DIR", nativeDir.toString());
      process = Optional.of(builder.start());
      starts++;
    } catch (IOException e) {
      throw new UncheckedIOException("Could not start " + name + ": " + command, e);
    }
  }

  synchronized boolean isAlive() {
    return process.map(Process::isAlive).orElse(false);
  }

  synchronized long pid() {
    return process.map(Process::pid).orElse(-1L);
  }

  /** The exit status, when it has ended. */
  synchronized Optional<Integer> exitStatus() {
    return process.filter(p -> !p.isAlive()).map(Process::exitValue);
  }

  /** SIGKILL, then waits until the process is gone. */
  void kill() throws InterruptedException {
    Optional<Process> running = current();
    if (running.isPresent()) {
      // On Unix destroyForcibly is SIGKILL: no shutdown hook, no close, no flush.
      running.get().destroyForcibly().waitFor();
    }
  }

  /** SIGTERM, the clean stop; SIGKILL if it has not ended after {@code graceSeconds}. */
  void stop(long graceSeconds) throws InterruptedException {
    Optional<Process> running = current();
    if (running.isEmpty()) {
      return;
    }
    running.get().destroy();
    if (!running.get().waitFor(graceSeconds, TimeUnit.SECONDS)) {
      running.get().destroyForcibly().waitFor();
    }
  }

  /** SIGSTOP: the process keeps its sockets and state but runs no instruction. */
  void pause() throws InterruptedException {
    signal("STOP");
  }

  /** SIGCONT after {@link #pause()}. */
  void resume() throws InterruptedException {
    signal("CONT");
  }

  private void signal(String signal) throws InterruptedException {
    long pid = pid();
    if (pid < 0) {
      throw new IllegalStateException(name + " is not running");
    }
    try {
      int status =
          new ProcessBuilder("kill", "-" + signal, Long.toString(pid))
              .inheritIO()
              .start()
              .waitFor();
      if (status != 0) {
        throw new IllegalStateException("kill -" + signal + " " + pid + " exited " + status);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Could not send SIG" + signal + " to " + name, e);
    }
  }

  private synchronized Optional<Process> current() {
    return process.filter(Process::isAlive);
  }

  @Override
  public String toString() {
    return name + (isAlive() ? " (pid " + pid() + ")" : " (not running)");
  }
}
