package io.sagaflow.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * CPU time of a Streams application's stream threads (and their producers' network threads) whose
 * names contain a marker, to tell a busy stream thread from a waiting one: CPU seconds spent during
 * a phase divided by the phase's wall-clock seconds.
 */
final class ThreadCpu {
  private final String marker;
  private final long startNanos;

  private ThreadCpu(String marker) {
    this.marker = marker;
    this.startNanos = total(marker);
  }

  static ThreadCpu start(String marker) {
    return new ThreadCpu(marker);
  }

  /** CPU nanoseconds the matching threads used since {@link #start}. */
  long usedNanos() {
    return total(marker) - startNanos;
  }

  private static long total(String marker) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long sum = 0;
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      // The stream threads and their producers' network threads, not other clients of the app.
      if (thread.getName().contains(marker) && thread.getName().contains("-StreamThread-")) {
        long cpu = threads.getThreadCpuTime(thread.getId());
        if (cpu > 0) {
          sum += cpu;
        }
      }
    }
    return sum;
  }
}
