package io.sagaflow.bench;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What tracing costs the saga processor (scripts/bench tracing=1): the same saga phase with tracing
 * off (OpenTelemetry's no-op API, as when no exporter is configured) and with the SDK sampling
 * every span, alternated twice in one JVM after the warm-up so drift on a shared machine hits both.
 * Spans go through the SDK's batch processor to an exporter that counts and drops them: the cost
 * measured is making, recording and batching spans (and the Kafka producer instrumentation), not a
 * collector's network round trips.
 */
final class TracingCost {
  private TracingCost() {}

  static void run(Path work, int sagas, int warmups, int threads) throws Exception {
    System.out.println("Tracing cost: warming up (results discarded) ...");
    for (int round = 1; round <= warmups; round++) {
      try (Traced traced = Traced.start()) {
        BenchMain.saga(work, "warmup" + round + "-traced", sagas, 0.1, 0, threads, traced.sdk());
      }
    }
    System.out.println("Measuring ...");
    List<SagaRunResult> results = new ArrayList<>();
    List<String> spans = new ArrayList<>();
    for (int round = 1; round <= 2; round++) {
      results.add(
          BenchMain.saga(
              work, "tracing-off-" + round, sagas, 0.1, 0, threads, OpenTelemetry.noop()));
      try (Traced traced = Traced.start()) {
        results.add(
            BenchMain.saga(work, "tracing-100pct-" + round, sagas, 0.1, 0, threads, traced.sdk()));
        traced.sdk().getSdkTracerProvider().forceFlush().join(30, TimeUnit.SECONDS);
        spans.add(
            String.format(
                Locale.ROOT,
                "tracing-100pct-%d: %,d spans exported (%.1f per saga)",
                round,
                traced.exported(),
                traced.exported() / (double) sagas));
      }
    }
    System.out.println();
    System.out.println(
        "| run | sagas | completed / compensated / failed+stuck | sagas/s | steps/s |"
            + " saga input records/s | step latency p50 / p99 ms | saga latency p99 ms |");
    System.out.println("|---|---|---|---|---|---|---|---|");
    for (SagaRunResult r : results) {
      List<String> row = r.row();
      System.out.println(
          "| "
              + String.join(
                  " | ",
                  List.of(
                      row.get(0),
                      row.get(2),
                      row.get(3),
                      row.get(4),
                      row.get(5),
                      row.get(6),
                      row.get(7),
                      row.get(8)))
              + " |");
    }
    System.out.println();
    spans.forEach(System.out::println);
    double off = (results.get(0).sagasPerSecond() + results.get(2).sagasPerSecond()) / 2;
    double on = (results.get(1).sagasPerSecond() + results.get(3).sagasPerSecond()) / 2;
    System.out.printf(
        Locale.ROOT,
        "sagas/s with tracing at 100%% relative to tracing off (mean of two rounds each): %.2f%n",
        on / off);
  }

  /** An SDK sampling everything into a counting exporter. */
  private record Traced(OpenTelemetrySdk sdk, AtomicLong count) implements AutoCloseable {
    static Traced start() {
      AtomicLong count = new AtomicLong();
      OpenTelemetrySdk sdk =
          OpenTelemetrySdk.builder()
              .setTracerProvider(
                  SdkTracerProvider.builder()
                      .setSampler(Sampler.alwaysOn())
                      .addSpanProcessor(BatchSpanProcessor.builder(new Counting(count)).build())
                      .build())
              .build();
      return new Traced(sdk, count);
    }

    long exported() {
      return count.get();
    }

    @Override
    public void close() {
      sdk.shutdown().join(30, TimeUnit.SECONDS);
    }
  }

  /** Counts the spans it is handed and drops them. */
  private record Counting(AtomicLong count) implements SpanExporter {
    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      count.addAndGet(spans.size());
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }
}
