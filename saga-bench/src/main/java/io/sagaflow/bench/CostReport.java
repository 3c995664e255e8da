package io.sagaflow.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * The report's cost part: per phase the processor's CPU per saga input and what Kafka wrote per
 * ended saga (with a per-topic breakdown, so a change shows which records it removed), then the
 * open-loop phase's latencies at a steady load.
 */
final class CostReport {
  private CostReport() {}

  static void print(List<SagaRunResult> closed, List<SagaRunResult> open, boolean ownJvm) {
    List<SagaRunResult> all = new ArrayList<>(closed);
    all.addAll(open);
    System.out.println();
    System.out.println(
        "Cost per phase (participants "
            + (ownJvm ? "in their own JVM" : "in the benchmark's JVM")
            + "; per ended saga, every saga ended):");
    System.out.println();
    System.out.println(
        "| run | processor CPU µs per saga input | saga inputs per saga | Kafka records per saga"
            + " (log positions, all topics) | of which sent by the processor | Kafka bytes per"
            + " saga (all producers) | of which by the processor | processor heap bytes allocated"
            + " per saga input |");
    System.out.println("|---|---|---|---|---|---|---|---|");
    all.forEach(r -> System.out.println("| " + String.join(" | ", r.costRow()) + " |"));
    for (SagaRunResult r : all) {
      System.out.println();
      System.out.printf("Kafka writes per saga by topic, %s:%n%n", r.label());
      r.writes().perTopic(r.ended()).forEach(System.out::println);
    }
    if (!open.isEmpty()) {
      System.out.println();
      System.out.println(
          "Open loop: sagas started at a fixed rate, no failures; latencies of the sagas started"
              + " after the first 5 s (ms):");
      System.out.println();
      System.out.println(
          "| run | target sagas/s | sent sagas/s | commit.interval.ms | sagas |"
              + " completed / compensated / failed+stuck | step latency p50 / p99 / p99.9 |"
              + " saga latency p50 / p99 / p99.9 | request sent to saga ended p99 | phase s |");
      System.out.println("|---|---|---|---|---|---|---|---|---|---|");
      open.forEach(r -> System.out.println("| " + String.join(" | ", r.openRow()) + " |"));
    }
  }
}
