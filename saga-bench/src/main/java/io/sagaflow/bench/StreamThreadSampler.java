package io.sagaflow.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Where the saga processor's stream threads spend wall-clock time, by sampling their stacks every
 * few milliseconds. A CPU profiler misses a thread that waits (on a RocksDB flush, a producer
 * flush, a transaction commit), and those waits are what stall every saga of a partition at once:
 * this names them, over the whole phase and for each half-second in which the threads spent most of
 * their time outside their poll.
 */
final class StreamThreadSampler {
  private static final long PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
  private static final long WINDOW_MILLIS = 500;

  /** First match wins: a frame's class and method name prefix, and what it means. */
  private static final String[][] ACTIVITIES = {
    {"org.rocksdb.RocksDB.flush", "RocksDB flush (checkpoint)"},
    {"org.rocksdb.RocksDB.put", "RocksDB write"},
    {"org.rocksdb.RocksDB.write", "RocksDB write"},
    {"org.rocksdb.RocksDB.get", "RocksDB read"},
    {"org.rocksdb.", "RocksDB other"},
    {"org.apache.kafka.streams.processor.internals.ProcessorStateManager.checkpoint", "checkpoint"},
    {"org.apache.kafka.clients.producer.KafkaProducer.flush", "producer flush (commit)"},
    {"org.apache.kafka.clients.producer.KafkaProducer.sendOffsetsToTransaction", "send offsets"},
    {"org.apache.kafka.clients.producer.KafkaProducer.commitTransaction", "commit transaction"},
    {"org.apache.kafka.clients.producer.KafkaProducer.send", "producer send"},
    {"org.apache.kafka.clients.consumer", "consumer poll"},
    {"org.apache.kafka.streams.processor.internals.StreamTask.punctuate", "punctuation"},
    {"io.sagaflow.", "saga processing"},
  };

  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final String namePart;
  private final Thread sampler;
  private final Map<String, Long> total = new TreeMap<>();
  private final Map<Long, Map<String, Long>> byWindow = new TreeMap<>();
  private volatile boolean running = true;

  private StreamThreadSampler(String namePart) {
    this.namePart = namePart;
    this.sampler = new Thread(this::run, "bench-stream-thread-sampler");
    sampler.setDaemon(true);
  }

  /** Starts sampling the stream threads of {@code applicationId} (not their clients' threads). */
  static StreamThreadSampler start(String applicationId) {
    StreamThreadSampler s = new StreamThreadSampler(applicationId);
    s.sampler.start();
    return s;
  }

  private void run() {
    long next = System.nanoTime();
    long[] ids = new long[0];
    long idsResolvedAt = 0;
    while (running) {
      long now = System.currentTimeMillis();
      // Resolving the threads by name walks every thread of the JVM: once a second is enough
      // (a stream thread that is replaced shows up within a second), and keeps the sampler's
      // own cost off the phase it measures.
      if (now - idsResolvedAt >= 1_000) {
        ids = streamThreadIds();
        idsResolvedAt = now;
      }
      for (ThreadInfo info : threads.getThreadInfo(ids, 64)) {
        if (info != null) {
          String activity = activity(info.getStackTrace());
          synchronized (this) {
            total.merge(activity, 1L, Long::sum);
            byWindow
                .computeIfAbsent(now / WINDOW_MILLIS, w -> new TreeMap<>())
                .merge(activity, 1L, Long::sum);
          }
        }
      }
      next += PERIOD_NANOS;
      LockSupport.parkNanos(Math.max(0, next - System.nanoTime()));
    }
  }

  private long[] streamThreadIds() {
    return Arrays.stream(threads.getThreadInfo(threads.getAllThreadIds()))
        .filter(
            t ->
                t != null
                    && t.getThreadName().startsWith(namePart)
                    && t.getThreadName().matches(".*-StreamThread-\\d+"))
        .mapToLong(ThreadInfo::getThreadId)
        .toArray();
  }

  private static String activity(StackTraceElement[] stack) {
    for (StackTraceElement frame : stack) {
      String name = frame.getClassName() + "." + frame.getMethodName();
      for (String[] activity : ACTIVITIES) {
        if (name.startsWith(activity[0])) {
          return activity[1];
        }
      }
    }
    return "other";
  }

  /**
   * The share of samples per activity over the phase, then each half-second window in which under
   * half of the samples were in the consumer's poll, with its own shares.
   */
  synchronized List<String> report() {
    List<String> lines = new ArrayList<>();
    lines.add("whole phase: " + shares(total));
    byWindow.forEach(
        (window, counts) -> {
          long samples = counts.values().stream().mapToLong(Long::longValue).sum();
          long polling = counts.getOrDefault("consumer poll", 0L);
          if (samples > 0 && polling * 2 < samples) {
            lines.add(
                LocalTime.ofInstant(Instant.ofEpochMilli(window * WINDOW_MILLIS), ZoneOffset.UTC)
                    + ": "
                    + shares(counts));
          }
        });
    return lines;
  }

  private static String shares(Map<String, Long> counts) {
    long samples = counts.values().stream().mapToLong(Long::longValue).sum();
    Map<String, Long> sorted = new LinkedHashMap<>();
    counts.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(e -> sorted.put(e.getKey(), e.getValue()));
    StringBuilder out = new StringBuilder();
    sorted.forEach(
        (activity, n) -> {
          if (out.length() > 0) {
            out.append(", ");
          }
          out.append(String.format(Locale.ROOT, "%s %.0f%%", activity, 100.0 * n / samples));
        });
    return out.append(" (").append(samples).append(" samples)").toString();
  }

  /** Stops sampling; the report covers what was sampled until now. */
  void stop() throws InterruptedException {
    running = false;
    sampler.join();
  }
}
