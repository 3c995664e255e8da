package io.sagaflow.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RecoveryTimesTest {
  @Test
  void shouldGiveMinMedianAndMaxOfAnOddCount() {
    RecoveryTimes times = new RecoveryTimes();
    times.recovered(Duration.ofSeconds(9));
    times.recovered(Duration.ofMillis(2_100));
    times.recovered(Duration.ofMillis(4_450));

    assertThat(times.summary()).isEqualTo("min 2.1 s | median 4.5 s | max 9.0 s (3 measured)");
  }

  @Test
  void shouldAverageTheMiddleTwoOfAnEvenCountAndCountTheUnrecovered() {
    RecoveryTimes times = new RecoveryTimes();
    times.recovered(Duration.ofSeconds(2));
    times.recovered(Duration.ofSeconds(3));
    times.recovered(Duration.ofSeconds(5));
    times.recovered(Duration.ofSeconds(8));
    times.unrecovered();

    assertThat(times.summary())
        .isEqualTo(
            "min 2.0 s | median 4.0 s | max 8.0 s (4 measured), 1 NOT recovered within the"
                + " bound");
  }

  @Test
  void shouldSayWhenNothingWasMeasured() {
    assertThat(new RecoveryTimes().summary()).isEqualTo("none measured");
  }
}
