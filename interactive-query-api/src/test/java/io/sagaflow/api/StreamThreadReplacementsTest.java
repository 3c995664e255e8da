package io.sagaflow.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.junit.jupiter.api.Test;

class StreamThreadReplacementsTest {
  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
  private static final Duration MINUTE = Duration.ofMinutes(1);

  private final MutableClock clock = new MutableClock(T0);
  private final StreamThreadReplacements replacements =
      new StreamThreadReplacements(3, MINUTE, clock);

  @Test
  void shouldTolerateUpToMaxReplacementsWithinTheWindowAndNotOneMore() {
    for (int i = 0; i < 3; i++) {
      replacements.record(new IllegalStateException("boom"));
      clock.advance(Duration.ofSeconds(1));
    }
    assertThat(replacements.snapshot().inWindow()).isEqualTo(3);
    assertThat(replacements.snapshot().tooMany()).isFalse();

    replacements.record(new IllegalStateException("boom"));

    assertThat(replacements.snapshot().inWindow()).isEqualTo(4);
    assertThat(replacements.snapshot().tooMany()).isTrue();
  }

  @Test
  void shouldForgetEachReplacementOnceItIsAWindowOld() {
    // Given four replacements ten seconds apart: too many
    for (int i = 0; i < 4; i++) {
      replacements.record(new IllegalStateException("boom"));
      clock.advance(Duration.ofSeconds(10));
    }
    assertThat(replacements.snapshot().tooMany()).isTrue();

    // When the first is exactly a window old, it no longer counts
    clock.now = T0.plus(MINUTE).minusMillis(1);
    assertThat(replacements.snapshot().inWindow()).isEqualTo(4);
    clock.now = T0.plus(MINUTE);

    // Then the window slides one replacement at a time instead of resetting
    assertThat(replacements.snapshot().inWindow()).isEqualTo(3);
    assertThat(replacements.snapshot().tooMany()).isFalse();
    clock.now = T0.plus(MINUTE).plusSeconds(30);
    assertThat(replacements.snapshot().inWindow()).isEqualTo(0);
    assertThat(replacements.snapshot().total()).isEqualTo(4);
  }

  @Test
  void shouldBecomeTooManyAgainWhenReplacementsResumeAfterAQuietSpell() {
    replacements.record(new IllegalStateException("boom"));
    clock.advance(Duration.ofSeconds(50));
    replacements.record(new IllegalStateException("boom"));
    replacements.record(new IllegalStateException("boom"));
    clock.advance(Duration.ofSeconds(20));

    // The first has left the window; three remain, then a fourth arrives
    assertThat(replacements.snapshot().inWindow()).isEqualTo(2);
    replacements.record(new IllegalStateException("boom"));
    replacements.record(new IllegalStateException("boom"));

    assertThat(replacements.snapshot().inWindow()).isEqualTo(4);
    assertThat(replacements.snapshot().tooMany()).isTrue();
  }

  @Test
  void shouldCountOnlyTheThreadsTheHandlerReplacesAndAnswerAsItDoes() {
    StreamsUncaughtExceptionHandler replacing =
        replacements.counting(e -> StreamThreadExceptionResponse.REPLACE_THREAD);
    StreamsUncaughtExceptionHandler stopping =
        replacements.counting(e -> StreamThreadExceptionResponse.SHUTDOWN_CLIENT);

    assertThat(stopping.handle(new IllegalStateException("boom")))
        .isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
    assertThat(replacements.snapshot().total()).isZero();
    assertThat(replacing.handle(new IllegalStateException("boom")))
        .isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
    assertThat(replacements.snapshot().total()).isEqualTo(1);
    assertThat(replacements.total()).isEqualTo(1);
  }

  @Test
  void shouldKeepTheLastReplacementWithWhenAndWhatItDiedOf() {
    assertThat(replacements.snapshot().last()).isEmpty();
    replacements.record(new IllegalStateException("first"));
    clock.advance(Duration.ofSeconds(5));

    replacements.record(
        new StreamsException(
            "Error encountered sending record to topic out for task 0_1 due to:\n"
                + "org.apache.kafka.common.errors.RecordTooLargeException: too large",
            new RecordTooLargeException("too large")));

    StreamThreadReplacements.Replacement last = replacements.snapshot().last().orElseThrow();
    assertThat(last.at()).isEqualTo(T0.plusSeconds(5));
    assertThat(last.failure().exception()).isEqualTo(StreamsException.class.getName());
    assertThat(last.failure().message())
        .contains("Error encountered sending record to topic out for task 0_1 due to:");
    assertThat(last.failure().rootCause())
        .contains(RecordTooLargeException.class.getName() + ": too large");
  }

  @Test
  void shouldRefuseANegativeMaxOrAnEmptyWindow() {
    assertThatThrownBy(() -> new StreamThreadReplacements(-1, MINUTE, clock))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("max");
    assertThatThrownBy(() -> new StreamThreadReplacements(3, Duration.ZERO, clock))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("window");
  }
}
