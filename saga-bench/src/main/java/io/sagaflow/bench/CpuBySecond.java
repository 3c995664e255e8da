package io.sagaflow.bench;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The open-loop phase's CPU per wall-clock second: the cores each role used, how long this JVM's
 * runnable threads waited for a core, and how busy the whole machine was (other processes and the
 * hypervisor's stolen time included). A stall second then shows whether the stream thread was short
 * of work, short of a core, or busy. Each reading walks the threads' CPU clocks and /proc without a
 * safepoint, so it does not stop the threads whose latencies the phase measures.
 */
final class CpuBySecond implements AutoCloseable {
  private final List<CpuBreakdown.Role> roles;
  private final ScheduledExecutorService clock;
  private final Map<Long, String> bySecond = new ConcurrentHashMap<>();
  private ScheduledFuture<?> ticks;
  private CpuBreakdown current;
  private long waitedBefore;
  private Optional<long[]> machineBefore;

  private CpuBySecond(List<CpuBreakdown.Role> roles, String threadName) {
    this.roles = roles;
    this.clock =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, threadName);
              t.setDaemon(true);
              return t;
            });
  }

  /** Starts reading at the next wall-clock second; {@code appId} names the reading thread. */
  static CpuBySecond start(List<CpuBreakdown.Role> roles, String appId) {
    CpuBySecond s = new CpuBySecond(roles, appId + "-bench-cpu-by-second");
    long now = System.currentTimeMillis();
    s.ticks = s.clock.scheduleAtFixedRate(s::tick, 1000 - now % 1000, 1000, TimeUnit.MILLISECONDS);
    return s;
  }

  private void tick() {
    long second = Math.floorDiv(System.currentTimeMillis(), 1000) - 1;
    long waited = NativeThreads.runQueueWaitNanos();
    Optional<long[]> machine = NativeThreads.machineBusyAndStolen();
    if (current != null) {
      CpuBreakdown.Usage use = current.measure();
      bySecond.put(second, describe(use, waited - waitedBefore, machine, machineBefore));
    }
    current = CpuBreakdown.start(roles);
    waitedBefore = waited;
    machineBefore = machine;
  }

  private static String describe(
      CpuBreakdown.Usage use,
      long waitedNanos,
      Optional<long[]> machine,
      Optional<long[]> machineBefore) {
    StringJoiner parts = new StringJoiner(" ");
    use.byRole()
        .forEach(
            (role, nanos) -> {
              if (nanos >= 10_000_000L) {
                parts.add(String.format(Locale.ROOT, "%s %.2f", abbreviation(role), nanos / 1e9));
              }
            });
    String line =
        String.format(
            Locale.ROOT, "cores: %s; JVM %.2f", parts, use.totalNanos() / 1e9 / use.wallSeconds());
    if (machine.isPresent() && machineBefore.isPresent()) {
      line +=
          String.format(
              Locale.ROOT,
              ", machine %.2f busy %.2f stolen",
              (machine.get()[0] - machineBefore.get()[0]) / 1e9 / use.wallSeconds(),
              (machine.get()[1] - machineBefore.get()[1]) / 1e9 / use.wallSeconds());
    }
    if (waitedNanos >= 0) {
      line += String.format(Locale.ROOT, "; waited for a core %d ms", waitedNanos / 1_000_000);
    }
    return line;
  }

  private static String abbreviation(String role) {
    return switch (role) {
      case CpuBreakdown.PROCESSOR -> "proc";
      case "participants" -> "part";
      case "RocksDB background" -> "rocksdb";
      case "ended threads, other JVM" -> "rest";
      case "other threads" -> "other";
      case "bench client" -> "bench";
      default -> role;
    };
  }

  /** What each full second measured, by epoch second. */
  Map<Long, String> bySecond() {
    return Map.copyOf(bySecond);
  }

  @Override
  public void close() {
    ticks.cancel(false);
    clock.shutdownNow();
  }
}
