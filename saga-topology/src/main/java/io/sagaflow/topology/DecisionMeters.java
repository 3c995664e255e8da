package io.sagaflow.topology;

import io.sagaflow.engine.Decision;
import io.sagaflow.engine.Outbound;
import io.sagaflow.engine.SagaState;
import io.sagaflow.engine.StepState;
import java.time.Duration;
import java.util.Optional;

/**
 * Records the saga meters a decision's lifecycle events stand for: outcomes by saga type and
 * version, retries, and the step and saga durations. Read from the events rather than from the
 * input so that a number on {@code /metrics} always matches a record on {@code saga.events}.
 *
 * <p>Recorded when the decision is written, inside the stream task's transaction but in memory: a
 * transaction that aborts (a crash or a fenced instance between the write and the commit) has its
 * inputs processed again and recorded twice. Counters may therefore run ahead of {@code
 * saga.events} by the decisions of an aborted commit interval, never behind.
 */
final class DecisionMeters {
  private final SagaCounters counters;

  DecisionMeters(SagaCounters counters) {
    this.counters = counters;
  }

  void record(Decision<?> decision) {
    Optional<? extends SagaState<?>> next = decision.nextState();
    for (Outbound out : decision.outbound()) {
      if (out instanceof Outbound.LifecycleEvent event) {
        record(event, next);
      }
    }
    decision.violations().forEach(v -> counters.increment(SagaMetric.INVARIANT_VIOLATED, v.name()));
  }

  private void record(Outbound.LifecycleEvent event, Optional<? extends SagaState<?>> next) {
    String type = event.type();
    String version = Integer.toString(event.version());
    String step = event.step().orElse("none");
    switch (event.eventType()) {
      case SAGA_STARTED -> counters.count(SagaMetric.SAGAS_STARTED, type, version);
      case SAGA_STUCK -> counters.count(SagaMetric.SAGAS_STUCK, type, version);
      case SAGA_COMPLETED -> ended(SagaMetric.SAGAS_COMPLETED, event, next, "completed");
      case SAGA_COMPENSATED -> ended(SagaMetric.SAGAS_COMPENSATED, event, next, "compensated");
      case SAGA_FAILED -> ended(SagaMetric.SAGAS_FAILED, event, next, "failed");
      case STEP_RETRY_SCHEDULED -> counters.count(SagaMetric.RETRIES, type, step, "action");
      case COMPENSATION_RETRY_SCHEDULED ->
          counters.count(SagaMetric.RETRIES, type, step, "compensation");
      case STEP_SUCCEEDED -> stepEnded(event, next, "succeeded");
      case STEP_FAILED -> stepEnded(event, next, "failed");
      default -> {
        // The other events change no meter: they are steps on the way to the ones above.
      }
    }
  }

  private void ended(
      SagaMetric counter,
      Outbound.LifecycleEvent event,
      Optional<? extends SagaState<?>> next,
      String outcome) {
    counters.count(counter, event.type(), Integer.toString(event.version()));
    next.ifPresent(
        s ->
            counters.record(
                SagaMetric.SAGA_DURATION,
                Duration.between(s.createdAt(), event.at()),
                event.type(),
                outcome));
  }

  private void stepEnded(
      Outbound.LifecycleEvent event, Optional<? extends SagaState<?>> next, String outcome) {
    Optional<StepState> step = next.flatMap(s -> event.step().flatMap(s::step));
    Optional<Duration> took =
        step.flatMap(StepState::startedAt).map(at -> Duration.between(at, event.at()));
    took.ifPresent(
        d ->
            counters.record(
                SagaMetric.STEP_DURATION, d, event.type(), event.step().orElseThrow(), outcome));
  }
}
