package io.sagaflow.connect.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
  private final RetryPolicy policy =
      new RetryPolicy(5, Duration.ofMillis(100), Duration.ofSeconds(1));

  @Test
  void shouldDoubleTheBackoffAndAddUpToHalfOfItAsJitter() {
    assertThat(policy.backoff(1, () -> 0.0)).isEqualTo(Duration.ofMillis(100));
    assertThat(policy.backoff(2, () -> 0.0)).isEqualTo(Duration.ofMillis(200));
    assertThat(policy.backoff(3, () -> 0.999))
        .isBetween(Duration.ofMillis(400), Duration.ofMillis(600));
  }

  @Test
  void shouldCapTheBackoffJitterIncluded() {
    assertThat(policy.backoff(10, () -> 0.999)).isEqualTo(Duration.ofSeconds(1));
  }
}
