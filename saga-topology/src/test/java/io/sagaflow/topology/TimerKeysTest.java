package io.sagaflow.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sagaflow.engine.Timer;
import io.sagaflow.engine.TimerKind;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.NumericChars;
import net.jqwik.api.constraints.StringLength;
import org.apache.kafka.common.utils.Bytes;
import org.junit.jupiter.api.Test;

class TimerKeysTest {
  /** Up to the year 10000: every due time a saga can have. */
  private static final long MAX_MILLIS = 253_402_300_799_999L;

  private static Timer timer(String sagaId, long dueMillis, long idHigh, long idLow) {
    return new Timer(
        sagaId,
        new UUID(idHigh, idLow),
        TimerKind.STEP_TIMEOUT,
        Optional.of("step"),
        1,
        Instant.ofEpochMilli(dueMillis));
  }

  @Property
  void shouldDecodeWhatWasEncoded(
      @ForAll @AlphaChars @NumericChars @Chars({'-', 'é', '中'}) @StringLength(min = 1, max = 40)
          String sagaId,
      @ForAll @LongRange(min = 0, max = MAX_MILLIS) long due,
      @ForAll long idHigh,
      @ForAll long idLow) {
    Timer timer = timer(sagaId, due, idHigh, idLow);

    Bytes key = TimerKeys.of(timer);

    assertThat(TimerKeys.sagaId(key)).isEqualTo(sagaId);
    assertThat(TimerKeys.timerId(key)).isEqualTo(timer.timerId());
    assertThat(TimerKeys.dueAt(key)).isEqualTo(timer.dueAt());
  }

  @Property
  void shouldOrderKeysByDueTime(
      @ForAll @AlphaChars @StringLength(min = 1, max = 20) String sagaA,
      @ForAll @AlphaChars @StringLength(min = 1, max = 20) String sagaB,
      @ForAll @LongRange(min = 0, max = MAX_MILLIS) long dueA,
      @ForAll @LongRange(min = 0, max = MAX_MILLIS) long dueB,
      @ForAll long idA,
      @ForAll long idB) {
    Bytes a = TimerKeys.of(timer(sagaA, dueA, idA, idA));
    Bytes b = TimerKeys.of(timer(sagaB, dueB, idB, idB));

    if (dueA != dueB) {
      assertThat(Integer.signum(a.compareTo(b))).isEqualTo(Long.signum(Long.compare(dueA, dueB)));
    }
    assertThat(a.compareTo(TimerKeys.first())).isPositive();
  }

  @Property
  void shouldBoundExactlyTheTimersDueByNow(
      @ForAll @LongRange(min = 0, max = MAX_MILLIS) long due,
      @ForAll @LongRange(min = -2, max = 2) long nowOffset,
      @ForAll long id) {
    long now = Math.max(0, due + nowOffset);
    Bytes key = TimerKeys.of(timer("s", due, id, ~id));

    boolean inRange = key.compareTo(TimerKeys.dueUpTo(Instant.ofEpochMilli(now))) <= 0;

    assertThat(inRange).isEqualTo(due <= now);
  }

  @Test
  void shouldRejectTimerDueBefore1970() {
    Timer early = timer("s", 0, 1, 1);
    Timer before =
        new Timer("s", early.timerId(), early.kind(), early.step(), 1, Instant.ofEpochMilli(-1));

    assertThatThrownBy(() -> TimerKeys.of(before))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Timer due before 1970 cannot be stored");
  }
}
