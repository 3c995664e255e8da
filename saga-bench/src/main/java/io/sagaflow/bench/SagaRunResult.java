package io.sagaflow.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What one saga phase measured. The processor's CPU is its stream threads' and their producers'
 * network threads' CPU time (ThreadMXBean, per thread, as {@link CpuBreakdown} charges it), so it
 * holds whether the participants run in this JVM or their own; RocksDB's background threads, JIT
 * and GC are shown apart because Linux cannot tell whose work they do.
 */
record SagaRunResult(
    String label,
    SagaRun.Load load,
    int preloaded,
    double seconds,
    long inputs,
    EventStats stats,
    long heapBytes,
    long rocksUsedBytes,
    long rocksBoundBytes,
    CpuBreakdown.Usage cpu,
    Optional<Double> participantsOwnJvmCpuSeconds,
    KafkaWrites writes,
    double sentPerSecond) {

  int sagas() {
    return load.sagas();
  }

  int ended() {
    return stats.ended();
  }

  double sagasPerSecond() {
    return sagas() / seconds;
  }

  double inputsPerSecond() {
    return inputs / seconds;
  }

  /** The processor's CPU time per saga input (start or reply decided on), in microseconds. */
  double processorMicrosPerInput() {
    return cpu.seconds(CpuBreakdown.PROCESSOR) * 1e6 / inputs;
  }

  /** The heap bytes the processor's threads allocated per saga input. */
  double processorBytesPerInput() {
    return (double) cpu.allocatedBytes(CpuBreakdown.PROCESSOR) / inputs;
  }

  String cpuSummary() {
    return String.format(
        Locale.ROOT,
        "%s processor CPU per saga input: %.1f µs (stream threads and their producers, %,d inputs),"
            + " %,.0f bytes allocated; RocksDB background %.1f µs, GC %.1f µs, JIT %.1f µs per"
            + " input (whole JVM)",
        label,
        processorMicrosPerInput(),
        inputs,
        processorBytesPerInput(),
        cpu.seconds("RocksDB background") * 1e6 / inputs,
        cpu.seconds("GC") * 1e6 / inputs,
        cpu.seconds("JIT") * 1e6 / inputs);
  }

  /** The closed-burst table's row (unchanged columns). */
  List<String> row() {
    List<String> cells = new ArrayList<>();
    cells.add(label);
    cells.add(String.format("%,d", preloaded));
    cells.add(String.format("%,d", sagas()));
    cells.add(
        String.format(
            "%d / %d / %d", stats.completed(), stats.compensated(), stats.failedOrStuck()));
    cells.add(String.format("%.0f", sagasPerSecond()));
    cells.add(String.format("%.0f", stats.steps() / seconds));
    cells.add(String.format("%.0f", inputsPerSecond()));
    cells.add(stats.stepPercentile(50) + " / " + stats.stepPercentile(99));
    cells.add(Long.toString(stats.sagaPercentile(99)));
    cells.add(heapBytes / (1024 * 1024) + " MiB");
    cells.add(rocksUsedBytes / (1024 * 1024) + " / " + rocksBoundBytes / (1024 * 1024) + " MiB");
    return cells;
  }

  /** The cost table's row: CPU per input, Kafka writes per ended saga. */
  List<String> costRow() {
    double n = ended();
    return List.of(
        label,
        String.format(Locale.ROOT, "%.1f", processorMicrosPerInput()),
        String.format(Locale.ROOT, "%.2f", inputs / n),
        String.format(Locale.ROOT, "%.1f", writes.offsets() / n),
        String.format(Locale.ROOT, "%.1f", writes.processor().records() / n),
        String.format(Locale.ROOT, "%.0f", writes.producers().bytes() / n),
        String.format(Locale.ROOT, "%.0f", writes.processor().bytes() / n),
        String.format(Locale.ROOT, "%,.0f", processorBytesPerInput()));
  }

  /** The open-loop table's row. */
  List<String> openRow() {
    return List.of(
        label,
        String.format(Locale.ROOT, "%.0f", load.ratePerSecond()),
        String.format(Locale.ROOT, "%.0f", sentPerSecond),
        Integer.toString(load.commitIntervalMs()),
        String.format("%,d", sagas()),
        String.format(
            "%d / %d / %d", stats.completed(), stats.compensated(), stats.failedOrStuck()),
        stats.stepPercentile(50)
            + " / "
            + stats.stepPercentile(99)
            + " / "
            + stats.stepPercentile(99.9),
        stats.sagaPercentile(50)
            + " / "
            + stats.sagaPercentile(99)
            + " / "
            + stats.sagaPercentile(99.9),
        Long.toString(stats.requestToEndPercentile(99)),
        String.format(Locale.ROOT, "%.1f", seconds));
  }
}
