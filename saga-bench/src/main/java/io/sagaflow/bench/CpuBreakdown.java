package io.sagaflow.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.Predicate;

/**
 * Where a phase's CPU went, for the whole benchmark JVM: each Java thread's CPU time is charged to
 * the first role whose rule matches its name; what the process used beyond all Java threads is
 * split into the JIT compilers, garbage collection and RocksDB's background threads where Linux's
 * per-thread accounting tells them apart ({@link NativeThreads}), the rest reported as such. Every
 * part of the run shares two cores, so the saga processor's share is what the ratio to the limit
 * depends on.
 */
final class CpuBreakdown {
  /** A role and the thread names that belong to it. */
  record Role(String name, Predicate<String> matches) {}

  private final List<Role> roles;
  private final Map<Long, Long> startByThread;
  private final Map<Long, Long> startAllocated;
  private final Map<String, Long> startNative;
  private final long startProcess;
  private final long startWall;

  private CpuBreakdown(List<Role> roles) {
    this.roles = roles;
    this.startByThread = threadCpu();
    this.startAllocated = threadAllocated();
    this.startNative = NativeThreads.cpuByKind();
    this.startProcess = processCpu();
    this.startWall = System.nanoTime();
  }

  static CpuBreakdown start(List<Role> roles) {
    return new CpuBreakdown(roles);
  }

  /** The role of the Streams application's stream threads and their producers' network threads. */
  static final String PROCESSOR = "processor";

  /** Roles of a saga phase whose Kafka Streams application id is {@code appId}. */
  static List<Role> sagaRoles(String appId) {
    return List.of(
        processorRole(appId),
        new Role("participants", n -> n.startsWith("participant-") || participantClient(n, appId)),
        new Role("broker", CpuBreakdown::broker),
        new Role("registry", n -> n.contains("schema-registry")),
        new Role(
            "bench client",
            n -> n.equals("main") || n.contains(appId + "-demo") || n.contains("bench-events")));
  }

  /** Roles of the pass-through phase. */
  static List<Role> limitRoles(String appId) {
    return List.of(
        processorRole(appId),
        new Role("broker", CpuBreakdown::broker),
        new Role("bench client", n -> n.equals("main") || n.contains("counter-")));
  }

  private static Role processorRole(String appId) {
    return new Role(PROCESSOR, n -> n.contains(appId + "-") && n.contains("-StreamThread-"));
  }

  private static boolean participantClient(String name, String appId) {
    for (String p : List.of("inventory", "payment", "shipping", "notification")) {
      if (name.endsWith(appId + "-" + p)) {
        return true;
      }
    }
    return false;
  }

  private static boolean broker(String name) {
    return name.startsWith("data-plane-")
        || name.startsWith("group-coordinator")
        || name.startsWith("share-coordinator")
        || name.startsWith("transaction-coordinator")
        || name.startsWith("TxnMarkerSender")
        || name.startsWith("AddPartitionsToTxn")
        || name.startsWith("ExpirationReaper")
        || name.startsWith("executor-")
        || name.startsWith("quorum-controller")
        || name.startsWith("LogDirFailureHandler")
        || name.startsWith("kafka-scheduler")
        || name.startsWith("kafka-log-cleaner")
        || name.startsWith("kafka-1-")
        || name.startsWith("broker-1-")
        || name.startsWith("controller-1-")
        || name.startsWith("raft-");
  }

  /** What each role used since {@link #start}. */
  Usage measure() {
    double wall = (System.nanoTime() - startWall) / 1e9;
    Map<Long, Long> now = threadCpu();
    Map<Long, Long> allocatedNow = threadAllocated();
    Map<Long, String> names = threadNames();
    Map<String, Long> byRole = new LinkedHashMap<>();
    Map<String, Long> allocatedByRole = new LinkedHashMap<>();
    roles.forEach(r -> byRole.put(r.name(), 0L));
    long javaThreads = 0;
    for (Map.Entry<Long, Long> e : now.entrySet()) {
      long used = e.getValue() - startByThread.getOrDefault(e.getKey(), 0L);
      javaThreads += used;
      String role = roleOf(names.getOrDefault(e.getKey(), ""));
      byRole.merge(role, used, Long::sum);
    }
    for (Map.Entry<Long, Long> e : allocatedNow.entrySet()) {
      long allocated = e.getValue() - startAllocated.getOrDefault(e.getKey(), 0L);
      allocatedByRole.merge(roleOf(names.getOrDefault(e.getKey(), "")), allocated, Long::sum);
    }
    long total = processCpu() - startProcess;
    long rest = Math.max(0, total - javaThreads);
    for (Map.Entry<String, Long> e : NativeThreads.cpuByKind().entrySet()) {
      long used = Math.min(rest, e.getValue() - startNative.getOrDefault(e.getKey(), 0L));
      if (used > 0) {
        byRole.merge(e.getKey(), used, Long::sum);
        rest -= used;
      }
    }
    byRole.merge("ended threads, other JVM", rest, Long::sum);
    return new Usage(byRole, total, wall, allocatedByRole);
  }

  private String roleOf(String threadName) {
    for (Role r : roles) {
      if (r.matches().test(threadName)) {
        return r.name();
      }
    }
    return "other threads";
  }

  /**
   * CPU nanoseconds per role (in the roles' order, then the JVM's own) over a phase, and the bytes
   * each role's Java threads allocated on the heap.
   */
  record Usage(
      Map<String, Long> byRole,
      long totalNanos,
      double wallSeconds,
      Map<String, Long> allocatedByRole) {

    /** Seconds of CPU of one role. */
    double seconds(String role) {
      return byRole.getOrDefault(role, 0L) / 1e9;
    }

    /** Bytes one role's threads allocated on the heap. */
    long allocatedBytes(String role) {
      return allocatedByRole.getOrDefault(role, 0L);
    }

    /** CPU seconds per role with their shares, and the cores used over the phase's wall time. */
    String describe() {
      StringJoiner parts = new StringJoiner(", ");
      byRole.forEach(
          (role, nanos) ->
              parts.add(
                  String.format(
                      Locale.ROOT,
                      "%s %.1f s (%.0f%%)",
                      role,
                      nanos / 1e9,
                      totalNanos == 0 ? 0 : 100.0 * nanos / totalNanos)));
      return String.format(
          Locale.ROOT,
          "CPU %.1f s in %.1f s wall (%.2f of %d cores): %s",
          totalNanos / 1e9,
          wallSeconds,
          totalNanos / 1e9 / wallSeconds,
          Runtime.getRuntime().availableProcessors(),
          parts);
    }
  }

  private static Map<Long, Long> threadCpu() {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    Map<Long, Long> cpu = new HashMap<>();
    for (long id : mx.getAllThreadIds()) {
      long nanos = mx.getThreadCpuTime(id);
      if (nanos > 0) {
        cpu.put(id, nanos);
      }
    }
    return cpu;
  }

  /**
   * Heap bytes each live thread has allocated so far (HotSpot counts them per thread as it hands
   * out allocation buffers and objects). Unlike CPU time this hardly depends on what else the
   * machine runs, so a change of a few percent in what a saga input allocates shows in one run.
   */
  private static Map<Long, Long> threadAllocated() {
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long[] ids = mx.getAllThreadIds();
    long[] bytes = mx.getThreadAllocatedBytes(ids);
    Map<Long, Long> allocated = new HashMap<>();
    for (int i = 0; i < ids.length; i++) {
      if (bytes[i] > 0) {
        allocated.put(ids[i], bytes[i]);
      }
    }
    return allocated;
  }

  private static Map<Long, String> threadNames() {
    // Without stack traces: a thread dump would be a safepoint, and the per-second breakdown
    // (CpuBySecond) reads the names inside the phase whose latencies it measures.
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    Map<Long, String> names = new HashMap<>();
    for (ThreadInfo info : mx.getThreadInfo(mx.getAllThreadIds(), 0)) {
      if (info != null) {
        names.put(info.getThreadId(), info.getThreadName());
      }
    }
    return names;
  }

  private static long processCpu() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }
}
