package io.sagaflow.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PolicyAndStatusTest {

  @Test
  void shouldGrowBackoffExponentiallyUpToTheCap() {
    RetryPolicy policy =
        RetryPolicy.exponential(10, Duration.ofMillis(100), 3.0, Duration.ofSeconds(1));

    assertThat(policy.backoffAfter(1, 7)).isEqualTo(Duration.ofMillis(100));
    assertThat(policy.backoffAfter(2, 7)).isEqualTo(Duration.ofMillis(300));
    assertThat(policy.backoffAfter(3, 7)).isEqualTo(Duration.ofMillis(900));
    assertThat(policy.backoffAfter(4, 7)).isEqualTo(Duration.ofSeconds(1));
    assertThat(policy.allowsAttemptAfter(9)).isTrue();
    assertThat(policy.allowsAttemptAfter(10)).isFalse();
  }

  @Test
  void shouldJitterWithinTheFractionAndRepeatForTheSameSeed() {
    RetryPolicy policy =
        RetryPolicy.exponential(5, Duration.ofSeconds(1), 2.0, Duration.ofSeconds(5))
            .withJitter(0.5);

    assertThat(policy.backoffAfter(1, 42)).isEqualTo(policy.backoffAfter(1, 42));
    assertThat(
            Set.of(policy.backoffAfter(1, 1), policy.backoffAfter(1, 2), policy.backoffAfter(1, 3)))
        .hasSizeGreaterThan(1);
    for (long seed = 0; seed < 200; seed++) {
      assertThat(policy.backoffAfter(1, seed).toMillis()).isBetween(500L, 1500L);
      assertThat(policy.backoffAfter(3, seed).toMillis()).isBetween(2000L, 5000L);
    }
  }

  @Test
  void shouldTellRetriableCodesFromNonRetriableOnes() {
    RetryPolicy policy = RetryPolicy.none().withNonRetriableCodes("B", "A");

    assertThat(policy.isRetriable("A")).isFalse();
    assertThat(policy.isRetriable("C")).isTrue();
    assertThat(policy.nonRetriableCodes()).containsExactly("A", "B");
    assertThat(RetryPolicy.defaultCompensation().maxAttempts()).isEqualTo(5);
  }

  @Test
  void shouldRejectNonsensicalRetryPolicies() {
    Duration s = Duration.ofSeconds(1);
    assertThatThrownBy(() -> RetryPolicy.exponential(0, s, 2, s))
        .hasMessageContaining("maxAttempts");
    assertThatThrownBy(() -> RetryPolicy.exponential(1, s.negated(), 2, s))
        .hasMessageContaining("backoff");
    assertThatThrownBy(() -> RetryPolicy.exponential(1, s.plus(s), 2, s))
        .hasMessageContaining("backoff");
    assertThatThrownBy(() -> RetryPolicy.exponential(1, s, 0.5, s))
        .hasMessageContaining("multiplier");
    assertThatThrownBy(() -> RetryPolicy.exponential(1, s, 2, s).withJitter(1.5))
        .hasMessageContaining("jitter");
    assertThatThrownBy(() -> RetryPolicy.exponential(1, s, 2, s).withJitter(-0.1))
        .hasMessageContaining("jitter");
  }

  @Test
  void shouldListLegalSagaTransitionsAndThrowOnIllegalOnes() {
    assertThat(SagaStatus.RUNNING.canTransitionTo(SagaStatus.COMPENSATING)).isTrue();
    assertThat(SagaStatus.STUCK.checkTransitionTo(SagaStatus.RUNNING))
        .isEqualTo(SagaStatus.RUNNING);
    assertThat(SagaStatus.COMPENSATING.canTransitionTo(SagaStatus.RUNNING)).isFalse();
    for (SagaStatus terminal :
        Set.of(SagaStatus.COMPLETED, SagaStatus.COMPENSATED, SagaStatus.FAILED)) {
      assertThat(terminal.isTerminal()).isTrue();
      assertThat(terminal.successors()).isEmpty();
    }
    assertThat(SagaStatus.STUCK.isTerminal()).isFalse();
    assertThatThrownBy(() -> SagaStatus.COMPLETED.checkTransitionTo(SagaStatus.RUNNING))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("COMPLETED -> RUNNING");
  }

  @Test
  void shouldRefuseAnIllegalStepTransitionInsteadOfOverwriting() {
    StepState pending = StepState.pending("a");

    assertThat(StepStatus.PENDING.canTransitionTo(StepStatus.AWAITING_REPLY)).isTrue();
    assertThat(StepStatus.COMPENSATED.successors()).isEmpty();
    assertThatThrownBy(() -> pending.finished(StepStatus.SUCCEEDED, Instant.EPOCH))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("step 'a': PENDING -> SUCCEEDED");
    assertThat(StepStatus.RETRY_SCHEDULED.isInFlight()).isTrue();
    assertThat(StepStatus.COMPENSATION_RETRY_SCHEDULED.isInFlight()).isTrue();
    assertThat(StepStatus.FAILED.isInFlight()).isFalse();
  }

  @Test
  void shouldDescribeErrorsAndTimersForOperators() {
    StepError error = new StepError("X", "boom", CommandKind.ACTION, 1, Instant.EPOCH);
    assertThat(error.describe()).isEqualTo("X: boom");
    assertThat(error.isTimeoutOf(CommandKind.ACTION, 1)).isFalse();
    Timer deadline = Timer.of("s", TimerKind.DEADLINE, Optional.empty(), 0, Instant.EPOCH);
    assertThat(deadline.timerId())
        .isEqualTo(Ids.timerId("s", TimerKind.DEADLINE, Optional.empty(), 0))
        .isNotEqualTo(Ids.timerId("s", TimerKind.STEP_TIMEOUT, Optional.empty(), 0));
  }
}
