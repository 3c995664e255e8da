package io.sagaflow.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A closed-loop HTTP load generator: a fixed number of workers, each with one request in flight on
 * its own keep-alive connection, for a warm-up and then a measured period. Every answer is checked
 * (status 200 and the asked saga id in the body), so a fast wrong answer cannot pass as throughput.
 */
final class HttpLoad {
  /** Picks the next request's target: the URI and the saga id its answer must name. */
  interface Target {
    Request next(SplittableRandom random);
  }

  record Request(URI uri, String sagaId) {}

  record Result(
      String label,
      int connections,
      double seconds,
      long requests,
      long failures,
      double p50Millis,
      double p99Millis,
      double maxMillis) {
    double perSecond() {
      return requests / seconds;
    }

    String row() {
      return String.format(
          Locale.ROOT,
          "| %s | %d | %.0f | %,d | %.0f | %.2f | %.2f | %.1f | %d |",
          label,
          connections,
          seconds,
          requests,
          perSecond(),
          p50Millis,
          p99Millis,
          maxMillis,
          failures);
    }
  }

  private final int connections;
  private final Duration warmUp;
  private final Duration measure;

  HttpLoad(int connections, Duration warmUp, Duration measure) {
    this.connections = connections;
    this.warmUp = warmUp;
    this.measure = measure;
  }

  Result run(String label, Target target) throws Exception {
    long measureFrom = System.nanoTime() + warmUp.toNanos();
    long measureTo = measureFrom + measure.toNanos();
    ExecutorService workers = Executors.newFixedThreadPool(connections);
    try {
      List<Future<Worker>> futures = new ArrayList<>();
      for (int i = 0; i < connections; i++) {
        Worker worker = new Worker(target, new SplittableRandom(42 + i), measureFrom, measureTo);
        futures.add(workers.submit(() -> worker.call()));
      }
      long requests = 0;
      long failures = 0;
      List<long[]> latencies = new ArrayList<>();
      for (Future<Worker> f : futures) {
        Worker w = f.get();
        requests += w.count;
        failures += w.failures;
        latencies.add(Arrays.copyOf(w.latencies, w.count));
      }
      long[] all = latencies.stream().flatMapToLong(Arrays::stream).sorted().toArray();
      return new Result(
          label,
          connections,
          measure.toNanos() / 1e9,
          requests,
          failures,
          percentile(all, 0.50),
          percentile(all, 0.99),
          all.length == 0 ? 0 : all[all.length - 1] / 1e6);
    } finally {
      workers.shutdownNow();
    }
  }

  private static double percentile(long[] sorted, double q) {
    if (sorted.length == 0) {
      return 0;
    }
    int index = (int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
    return sorted[Math.max(0, index)] / 1e6;
  }

  /** One connection's loop; counts only what completes inside the measured period. */
  private static final class Worker {
    // One client per worker: the JDK client pools connections per client, so this pins one
    // keep-alive connection to each worker.
    private final HttpClient client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final Target target;
    private final SplittableRandom random;
    private final long measureFrom;
    private final long measureTo;
    private long[] latencies = new long[1 << 16];
    private int count;
    private long failures;

    Worker(Target target, SplittableRandom random, long measureFrom, long measureTo) {
      this.target = target;
      this.random = random;
      this.measureFrom = measureFrom;
      this.measureTo = measureTo;
    }

    Worker call() throws InterruptedException {
      long now = System.nanoTime();
      while (now < measureTo) {
        Request request = target.next(random);
        long sent = System.nanoTime();
        boolean ok = send(request);
        now = System.nanoTime();
        if (sent >= measureFrom && now <= measureTo) {
          if (!ok) {
            failures++;
          }
          if (count == latencies.length) {
            latencies = Arrays.copyOf(latencies, count * 2);
          }
          latencies[count++] = now - sent;
        }
      }
      return this;
    }

    private boolean send(Request request) throws InterruptedException {
      try {
        HttpResponse<String> response =
            client.send(
                HttpRequest.newBuilder(request.uri()).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        return response.statusCode() == 200
            && response.body().contains("\"sagaId\":\"" + request.sagaId() + "\"");
      } catch (IOException e) {
        // A failed request is a result, counted as a failure; the load goes on.
        return false;
      }
    }
  }
}
