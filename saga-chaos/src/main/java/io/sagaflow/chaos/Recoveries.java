package io.sagaflow.chaos;

import io.sagaflow.chaos.FaultPlan.Fault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The recovery times of a run: from each kill to the first new committed saga event, and the same
 * from the moment the victim was started again, which leaves out the seeded downtime. One fault is
 * timed at a time; the runner waits for it before the next fault lands.
 */
final class Recoveries {
  private final RecoveryTimes processorFromKill = new RecoveryTimes();
  private final RecoveryTimes processorFromStart = new RecoveryTimes();
  private final RecoveryTimes brokerFromKill = new RecoveryTimes();
  private final RecoveryTimes brokerFromStart = new RecoveryTimes();
  private final Console console;
  private final Duration bound;
  private Optional<Pending> pending = Optional.empty();

  private record Pending(
      Fault fault,
      RecoveryTimes fromKill,
      RecoveryTimes fromStart,
      Duration down,
      CompletableFuture<Duration> resumed) {}

  Recoveries(Console console, Duration bound) {
    this.console = console;
    this.bound = bound;
  }

  /** Times a processor kill; {@code down} is how long after the kill it was started again. */
  void processorKilled(Fault fault, Duration down, CompletableFuture<Duration> resumed) {
    pending = Optional.of(new Pending(fault, processorFromKill, processorFromStart, down, resumed));
  }

  /** Times a broker restart; {@code down} is how long after the kill it was started again. */
  void brokerKilled(Fault fault, Duration down, CompletableFuture<Duration> resumed) {
    pending = Optional.of(new Pending(fault, brokerFromKill, brokerFromStart, down, resumed));
  }

  /**
   * Waits for the timed fault's work to resume, so the next fault finds a working system.
   *
   * @return a problem when work did not resume within the bound
   */
  Optional<String> await() throws InterruptedException {
    if (pending.isEmpty()) {
      return Optional.empty();
    }
    Pending p = pending.get();
    pending = Optional.empty();
    try {
      Duration took = p.resumed().get(bound.toMillis(), TimeUnit.MILLISECONDS);
      p.fromKill().recovered(took);
      p.fromStart().recovered(took.minus(p.down()));
      console.say(
          "  fault %d: first new committed saga event %s after the kill, %s after the start",
          p.fault().number(),
          RecoveryTimes.seconds(took),
          RecoveryTimes.seconds(took.minus(p.down())));
      return Optional.empty();
    } catch (TimeoutException e) {
      p.fromKill().unrecovered();
      p.fromStart().unrecovered();
      console.say(
          "  fault %d: NO new committed saga event within %d s",
          p.fault().number(), bound.toSeconds());
      return Optional.of("fault " + p.fault().number() + ": no new saga event within the bound");
    } catch (ExecutionException e) {
      throw new IllegalStateException("Recovery timing failed", e.getCause());
    }
  }

  /** The summary lines: min, median and max of each kind. */
  List<String> summary() {
    return List.of(
        "recovery after a processor kill (kill -9 -> first new committed saga event on its"
            + " partitions): "
            + processorFromKill.summary(),
        "  the same from the restart (its seeded downtime left out): "
            + processorFromStart.summary(),
        "recovery after a broker restart (kill -9 -> first new committed saga event): "
            + brokerFromKill.summary(),
        "  the same from the broker's start (its seeded downtime left out): "
            + brokerFromStart.summary());
  }
}
