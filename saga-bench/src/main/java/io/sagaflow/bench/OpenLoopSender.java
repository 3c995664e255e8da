package io.sagaflow.bench;

import io.sagaflow.app.demo.StartRequests;
import io.sagaflow.module.DemoData;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Sends start requests on a fixed schedule, whatever the processor is doing: request {@code i} is
 * due at {@code i / rate} seconds after the start. Each round sends every request due by now, so a
 * slow send delays the next ones but never thins the load (an open loop: the arrival rate does not
 * wait for completions, so a processor that falls behind shows as growing latency, not as a lower
 * rate). The send time of each request is recorded for the request-to-end latency.
 */
final class OpenLoopSender implements Runnable {
  private final StartRequests starts;
  private final DemoData demo;
  private final List<String> ids;
  private final double ratePerSecond;
  private final Map<String, Long> sentAtMillis;
  private volatile double sendingSeconds = Double.NaN;

  OpenLoopSender(
      StartRequests starts,
      DemoData demo,
      List<String> ids,
      double ratePerSecond,
      Map<String, Long> sentAtMillis) {
    this.starts = starts;
    this.demo = demo;
    this.ids = ids;
    this.ratePerSecond = ratePerSecond;
    this.sentAtMillis = sentAtMillis;
  }

  @Override
  public void run() {
    long start = System.nanoTime();
    int sent = 0;
    while (sent < ids.size()) {
      double elapsed = (System.nanoTime() - start) / 1e9;
      int due = (int) Math.min(ids.size(), Math.floor(elapsed * ratePerSecond) + 1);
      if (due > sent) {
        List<String> batch = ids.subList(sent, due);
        long now = System.currentTimeMillis();
        batch.forEach(id -> sentAtMillis.put(id, now));
        starts.send(demo, batch, () -> {});
        sent = due;
      } else {
        // Pacing, not synchronisation: wait until the next request is due.
        long nextDue = start + (long) (sent / ratePerSecond * 1e9);
        LockSupport.parkNanos(
            Math.max(TimeUnit.MICROSECONDS.toNanos(100), nextDue - System.nanoTime()));
      }
    }
    sendingSeconds = (System.nanoTime() - start) / 1e9;
  }

  /** Requests per second actually sent, from the first send to the last one's acknowledgement. */
  double sentPerSecond() {
    return ids.size() / sendingSeconds;
  }
}
