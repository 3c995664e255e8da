package io.sagaflow.participant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class HealthTest {
  @Test
  void shouldHaveACauseOnlyWhenFailed() {
    assertThat(Health.failed(new IllegalStateException("x")).isRunning()).isFalse();
    assertThat(Health.running().isRunning()).isTrue();
    assertThatThrownBy(() -> new Health(Health.State.FAILED, Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> new Health(Health.State.STOPPED, Optional.of(new IllegalStateException())))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
