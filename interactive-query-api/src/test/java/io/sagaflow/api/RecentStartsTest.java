package io.sagaflow.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.sagaflow.api.RecentStarts.Claim;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class RecentStartsTest {
  private static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");

  @Test
  void shouldTellARetryFromAKeyReusedWithOtherData() {
    RecentStarts starts =
        new RecentStarts(Clock.fixed(T0, ZoneOffset.UTC), 10, Duration.ofHours(1));

    assertThat(starts.claim("saga-1", "digest-a")).isEqualTo(Claim.NEW);
    assertThat(starts.claim("saga-1", "digest-a")).isEqualTo(Claim.SAME);
    assertThat(starts.claim("saga-1", "digest-b")).isEqualTo(Claim.CONFLICT);
    // A conflict does not replace what was accepted.
    assertThat(starts.claim("saga-1", "digest-a")).isEqualTo(Claim.SAME);
    assertThat(starts.claim("saga-2", "digest-b")).isEqualTo(Claim.NEW);
  }

  @Test
  void shouldForgetAStartThatWasNeverWrittenButNotAnotherOne() {
    RecentStarts starts =
        new RecentStarts(Clock.fixed(T0, ZoneOffset.UTC), 10, Duration.ofHours(1));
    starts.claim("saga-1", "digest-a");

    starts.forget("saga-1", "digest-b");
    assertThat(starts.claim("saga-1", "digest-b")).isEqualTo(Claim.CONFLICT);

    starts.forget("saga-1", "digest-a");
    assertThat(starts.claim("saga-1", "digest-b")).isEqualTo(Claim.NEW);
  }

  @Test
  void shouldForgetStartsOlderThanTheRetention() {
    MutableClock clock = new MutableClock(T0);
    RecentStarts starts = new RecentStarts(clock, 10, Duration.ofHours(24));
    starts.claim("saga-old", "digest-a");
    clock.now = T0.plus(Duration.ofHours(23));
    starts.claim("saga-young", "digest-a");

    clock.now = T0.plus(Duration.ofHours(24)).plusMillis(1);

    assertThat(starts.claim("saga-old", "digest-b")).isEqualTo(Claim.NEW);
    assertThat(starts.claim("saga-young", "digest-b")).isEqualTo(Claim.CONFLICT);
  }

  @Test
  void shouldKeepAtMostItsCapacityEvictingTheEldest() {
    RecentStarts starts = new RecentStarts(Clock.fixed(T0, ZoneOffset.UTC), 3, Duration.ofHours(1));
    for (int i = 1; i <= 4; i++) {
      starts.claim("saga-" + i, "digest-a");
    }

    assertThat(starts.size()).isEqualTo(3);
    assertThat(starts.claim("saga-1", "digest-b")).isEqualTo(Claim.NEW);
    assertThat(starts.claim("saga-4", "digest-b")).isEqualTo(Claim.CONFLICT);
  }
}
