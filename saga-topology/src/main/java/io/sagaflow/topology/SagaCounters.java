package io.sagaflow.topology;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts what the processor did with its inputs (verdicts, dead letters, violations, fired timers),
 * by name. The app binds these to its metrics registry; tests read them directly. One instance is
 * shared by every stream thread of an application, so counting is lock-free.
 */
public final class SagaCounters {
  private final Map<String, LongAdder> counters = new ConcurrentHashMap<>();

  /** Adds one to counter {@code name}. */
  public void increment(String name) {
    counters.computeIfAbsent(name, k -> new LongAdder()).increment();
  }

  /** The current value of counter {@code name}, 0 if it never counted. */
  public long get(String name) {
    LongAdder adder = counters.get(name);
    return adder == null ? 0 : adder.sum();
  }

  /** Every counter and its value, sorted by name. */
  public Map<String, Long> snapshot() {
    Map<String, Long> result = new TreeMap<>();
    counters.forEach((name, adder) -> result.put(name, adder.sum()));
    return result;
  }
}
