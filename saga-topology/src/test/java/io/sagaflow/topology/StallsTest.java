package io.sagaflow.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.sagaflow.engine.Timer;
import io.sagaflow.engine.TimerKind;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What a stall does to a timeout's due time, without a topology around it. */
class StallsTest {
  private static final Duration SCAN = Duration.ofMillis(200);

  private static Stalls stalls() {
    return new Stalls("0_0", SCAN, Duration.ofSeconds(2));
  }

  private static Timer timeout(TimerKind kind, long dueMillis) {
    return new Timer(
        "s", UUID.randomUUID(), kind, Optional.of("step"), 1, Instant.ofEpochMilli(dueMillis));
  }

  @Test
  void shouldCountOnlyGapsLongerThanTheIntervalPlusTheThreshold() {
    Stalls stalls = stalls();
    stalls.scanned(0);
    stalls.scanned(2_200);
    assertThat(stalls.fairDue(0, 10_000)).isEqualTo(10_000);

    stalls.scanned(4_401);
    assertThat(stalls.fairDue(0, 10_000)).isEqualTo(12_001);
  }

  @Test
  void shouldGiveTheBudgetOutsideEveryStallTheTimerRanThrough() {
    Stalls stalls = stalls();
    stalls.scanned(1_000);
    stalls.scanned(6_200); // stall 1,000 .. 6,000
    for (long t = 6_400; t <= 9_000; t += 200) {
      stalls.scanned(t);
    }
    stalls.scanned(20_200); // stall 9,000 .. 20,000

    // Sent at 0, 10 s budget: 1 s, then 3 s between the stalls, then 6 s after the second
    assertThat(stalls.fairDue(0, 10_000)).isEqualTo(26_000);
    // Sent after both: untouched
    assertThat(stalls.fairDue(21_000, 10_000)).isEqualTo(31_000);
    // Sent inside the first stall: its budget starts when the stall ends
    assertThat(stalls.fairDue(2_000, 2_000)).isEqualTo(8_000);
    // Used up before the first stall began
    assertThat(stalls.fairDue(0, 500)).isEqualTo(500);
  }

  @Test
  void shouldHoldOnlyTimeoutsAndOnlyUntilTheirFairDueTime() {
    Stalls stalls = stalls();
    Duration budget = Duration.ofSeconds(1);
    assertThat(stalls.holdUntil(timeout(TimerKind.STEP_TIMEOUT, 1_000), budget, at(5_000)))
        .isEmpty();
    stalls.scanned(400);
    stalls.scanned(5_400); // stall 400 .. 5,200

    assertThat(stalls.holdUntil(timeout(TimerKind.STEP_TIMEOUT, 1_000), budget, at(5_400)))
        .contains(at(5_800));
    assertThat(stalls.holdUntil(timeout(TimerKind.COMPENSATION_TIMEOUT, 1_000), budget, at(5_800)))
        .isEmpty();
    assertThat(stalls.holdUntil(timeout(TimerKind.RETRY_DUE, 1_000), budget, at(5_400))).isEmpty();
  }

  @Test
  void shouldKeepABoundedNumberOfStalls() {
    Stalls stalls = stalls();
    long now = 0;
    stalls.scanned(now);
    for (int i = 0; i <= Stalls.KEPT; i++) {
      now += 3_000;
      stalls.scanned(now);
    }
    // The first stall (0 .. 2,800) is forgotten; the second (3,000 .. 5,800) is not
    assertThat(stalls.fairDue(0, 100)).isEqualTo(100);
    assertThat(stalls.fairDue(3_000, 100)).isEqualTo(5_900);
  }

  @Test
  void shouldIgnoreAClockGoingBackwards() {
    Stalls stalls = stalls();
    stalls.scanned(10_000);
    stalls.scanned(5_000);
    stalls.scanned(10_200);
    assertThat(stalls.fairDue(0, 20_000)).isEqualTo(20_000);
  }

  private static Instant at(long millis) {
    return Instant.ofEpochMilli(millis);
  }
}
