package io.sagaflow.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * CPU time of the JVM's own threads that Java cannot see (JIT compilers, garbage collector, RocksDB
 * background jobs), read from Linux's /proc/self/task. Elsewhere it reports nothing and the
 * breakdown shows their time as "other".
 */
final class NativeThreads {
  // /proc reports user and system time in clock ticks, 100 per second on Linux.
  private static final long NANOS_PER_TICK = 10_000_000L;

  private NativeThreads() {}

  static Map<String, Long> cpuByKind() {
    Map<String, Long> byKind = new HashMap<>();
    Path tasks = Path.of("/proc/self/task");
    if (!Files.isDirectory(tasks)) {
      return byKind;
    }
    try (Stream<Path> all = Files.list(tasks)) {
      all.forEach(
          task -> {
            try {
              String kind = kind(Files.readString(task.resolve("comm")).strip());
              if (kind != null) {
                byKind.merge(kind, ticks(Files.readString(task.resolve("stat"))), Long::sum);
              }
            } catch (IOException | RuntimeException e) {
              // The thread ended between listing and reading: its time is lost to "other".
            }
          });
    } catch (IOException e) {
      return byKind;
    }
    return byKind;
  }

  /**
   * How long this JVM's threads have waited, runnable, for a core (the second field of each
   * thread's schedstat), summed over the threads alive now; -1 where Linux does not say.
   */
  static long runQueueWaitNanos() {
    Path tasks = Path.of("/proc/self/task");
    if (!Files.isDirectory(tasks)) {
      return -1;
    }
    long[] sum = {0};
    try (Stream<Path> all = Files.list(tasks)) {
      all.forEach(
          task -> {
            try {
              String[] fields = Files.readString(task.resolve("schedstat")).strip().split(" ", -1);
              sum[0] += Long.parseLong(fields[1]);
            } catch (IOException | RuntimeException e) {
              // Ended between listing and reading, or no schedstat in this kernel: not counted.
            }
          });
    } catch (IOException e) {
      return -1;
    }
    return sum[0];
  }

  /**
   * The machine's busy and stolen time so far, in nanoseconds, from the first line of /proc/stat
   * (every process, every core); empty where Linux does not say.
   */
  static Optional<long[]> machineBusyAndStolen() {
    try {
      String cpu = Files.readAllLines(Path.of("/proc/stat")).get(0);
      String[] f = cpu.substring("cpu".length()).strip().split("\\s+", -1);
      // user nice system idle iowait irq softirq steal
      long busy = 0;
      for (int i : new int[] {0, 1, 2, 5, 6}) {
        busy += Long.parseLong(f[i]);
      }
      return Optional.of(new long[] {busy * NANOS_PER_TICK, Long.parseLong(f[7]) * NANOS_PER_TICK});
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static String kind(String comm) {
    if (comm.contains("CompilerThre")) {
      return "JIT";
    } else if (comm.startsWith("GC Thread")
        || comm.startsWith("G1 ")
        || comm.startsWith("VM Thread")) {
      return "GC";
    } else if (comm.startsWith("rocksdb:")) {
      return "RocksDB background";
    }
    return null;
  }

  private static long ticks(String stat) {
    // Fields after the parenthesised command name; utime and stime are the 12th and 13th of them.
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ", -1);
    return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * NANOS_PER_TICK;
  }
}
