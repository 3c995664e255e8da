package io.sagaflow.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CpuBreakdownTest {
  private static final int CHUNKS = 64;
  private static final long CHUNK_BYTES = 1 << 20;

  /** Kept reachable so the allocations cannot be optimised away. */
  private static volatile byte[] last;

  @Test
  void shouldChargeEachThreadsHeapAllocationsToItsRole() throws InterruptedException {
    // Given a breakdown with a role for each of two named threads
    CpuBreakdown breakdown =
        CpuBreakdown.start(
            List.of(
                new CpuBreakdown.Role("allocator", "bench-test-allocator"::equals),
                new CpuBreakdown.Role("waiter", "bench-test-waiter"::equals)));
    CountDownLatch allocated = new CountDownLatch(2);
    CountDownLatch release = new CountDownLatch(1);

    // When one thread allocates 64 MiB in 1 MiB arrays and the other nothing, both still alive
    // when measured (the counters are per live thread)
    Thread allocator =
        new Thread(
            () -> {
              for (int i = 0; i < CHUNKS; i++) {
                last = new byte[(int) CHUNK_BYTES];
              }
              await(allocated, release);
            },
            "bench-test-allocator");
    Thread waiter = new Thread(() -> await(allocated, release), "bench-test-waiter");
    allocator.start();
    waiter.start();
    try {
      assertThat(allocated.await(30, TimeUnit.SECONDS)).isTrue();
      CpuBreakdown.Usage usage = breakdown.measure();
      assertThat(last).hasSize((int) CHUNK_BYTES);

      // Then the first role holds those bytes (and little more), the second next to nothing
      assertThat(usage.allocatedBytes("allocator"))
          .isBetween(CHUNKS * CHUNK_BYTES, CHUNKS * CHUNK_BYTES + CHUNK_BYTES);
      assertThat(usage.allocatedBytes("waiter")).isLessThan(64 * 1024);
    } finally {
      release.countDown();
      allocator.join();
      waiter.join();
    }
  }

  private static void await(CountDownLatch done, CountDownLatch release) {
    done.countDown();
    try {
      release.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
