package io.sagaflow.topology;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts what the processor did with its inputs (verdicts, dead letters, violations, fired timers),
 * by {@link SagaMetric} and kind, under the key {@code <metric>.<kind>}. The app binds these to its
 * metrics registry; tests read them directly. One instance is shared by every stream thread of an
 * application, so counting is lock-free.
 */
public final class SagaCounters {
  private final Map<String, LongAdder> counters = new ConcurrentHashMap<>();

  /** Adds one to {@code metric} for {@code kind}. */
  public void increment(SagaMetric metric, String kind) {
    increment(metric.counterName(kind));
  }

  /**
   * Adds one to counter {@code name}, for tallies outside the {@link SagaMetric} catalogue (the
   * simulated participants' own); the processor counts only catalogue entries.
   */
  public void increment(String name) {
    counters.computeIfAbsent(name, k -> new LongAdder()).increment();
  }

  /** The current value of counter {@code name}, 0 if it never counted. */
  public long get(String name) {
    LongAdder adder = counters.get(name);
    return adder == null ? 0 : adder.sum();
  }

  /** The sum of {@code metric} over all its kinds. */
  public long total(SagaMetric metric) {
    long sum = 0;
    for (Map.Entry<String, LongAdder> e : counters.entrySet()) {
      if (SagaMetric.parse(e.getKey()).filter(c -> c.metric() == metric).isPresent()) {
        sum += e.getValue().sum();
      }
    }
    return sum;
  }

  /** Every counter and its value, sorted by name. */
  public Map<String, Long> snapshot() {
    Map<String, Long> result = new TreeMap<>();
    counters.forEach((name, adder) -> result.put(name, adder.sum()));
    return result;
  }
}
