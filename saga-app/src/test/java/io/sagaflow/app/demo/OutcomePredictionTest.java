package io.sagaflow.app.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.sagaflow.app.TestModules;
import io.sagaflow.app.config.ParticipantsConfig;
import io.sagaflow.app.modules.SagaModules;
import io.sagaflow.app.participants.Misbehaviour;
import io.sagaflow.app.participants.ParticipantBehaviour;
import io.sagaflow.app.participants.Verdict;
import io.sagaflow.engine.CommandKind;
import io.sagaflow.engine.RetryPolicy;
import io.sagaflow.engine.SagaDefinition;
import io.sagaflow.engine.SagaStatus;
import io.sagaflow.engine.StepDefinition;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Checks the prediction against a step-by-step replay of what the processor does with each answer,
 * misbehaviours included, so a misbehaviour drawn where it could change an outcome is caught.
 */
class OutcomePredictionTest {
  private static final ParticipantsConfig MISBEHAVING =
      new ParticipantsConfig(true, 5, Duration.ZERO, 0.15, 0.15, 0.1, 0.3, 0.3, 0.3, Set.of());

  @Test
  void shouldPredictEveryOutcomeWhetherLateRepliesComeBeforeOrAfterTheTimeout() {
    SagaModules modules = TestModules.onClassPath();
    List<ParticipantBehaviour> behaviours =
        ParticipantBehaviour.of(modules.participants(), modules.registry(), MISBEHAVING);
    Map<Misbehaviour, Integer> seen = new EnumMap<>(Misbehaviour.class);
    Map<SagaStatus, Integer> outcomes = new EnumMap<>(SagaStatus.class);
    for (SagaDefinition<?> definition : modules.registry().all()) {
      OutcomePrediction prediction = new OutcomePrediction(definition, behaviours);
      Replay replay = new Replay(definition, behaviours);
      for (int i = 0; i < 3_000; i++) {
        String sagaId = definition.type() + "-" + i;
        Map<Misbehaviour, Integer> met = new EnumMap<>(Misbehaviour.class);
        SagaStatus afterTimeout = replay.outcome(sagaId, false, met);
        SagaStatus beforeTimeout = replay.outcome(sagaId, true, new EnumMap<>(Misbehaviour.class));

        assertThat(prediction.outcome(sagaId)).as(sagaId).isEqualTo(afterTimeout);
        assertThat(beforeTimeout).as(sagaId).isEqualTo(afterTimeout);
        assertThat(prediction.misbehaviours(sagaId)).as(sagaId).isEqualTo(met);
        met.forEach((m, n) -> seen.merge(m, n, Integer::sum));
        outcomes.merge(afterTimeout, 1, Integer::sum);
      }
    }

    assertThat(seen.keySet())
        .containsExactlyInAnyOrder(Misbehaviour.DUPLICATE, Misbehaviour.LATE, Misbehaviour.GARBAGE);
    assertThat(outcomes.keySet()).contains(SagaStatus.COMPLETED, SagaStatus.COMPENSATED);
  }

  /** The processor's handling of answers, attempt by attempt, written out independently. */
  private record Replay(SagaDefinition<?> definition, List<ParticipantBehaviour> behaviours) {
    SagaStatus outcome(String sagaId, boolean lateApplied, Map<Misbehaviour, Integer> met) {
      SagaStatus outcome = SagaStatus.COMPLETED;
      for (List<? extends StepDefinition<?>> stage : definition.stages()) {
        for (StepDefinition<?> step : stage) {
          End end = step(sagaId, step, lateApplied, met);
          if (end != End.SUCCEEDED && outcome == SagaStatus.COMPLETED) {
            outcome =
                switch (step.kind()) {
                  case COMPENSATABLE -> SagaStatus.COMPENSATED;
                  case PIVOT -> end == End.TIMED_OUT ? SagaStatus.STUCK : SagaStatus.COMPENSATED;
                  case RETRIABLE -> SagaStatus.STUCK;
                };
          }
        }
        if (outcome != SagaStatus.COMPLETED) {
          return outcome;
        }
      }
      return outcome;
    }

    private End step(
        String sagaId,
        StepDefinition<?> step,
        boolean lateApplied,
        Map<Misbehaviour, Integer> met) {
      ParticipantBehaviour participant =
          behaviours.stream()
              .filter(b -> b.topic().equals(step.commandTopic()))
              .findFirst()
              .orElseThrow();
      RetryPolicy policy = step.effectiveRetryPolicy();
      for (int attempt = 1; ; attempt++) {
        Verdict verdict = participant.decide(sagaId, step.name(), attempt, CommandKind.ACTION);
        Misbehaviour misbehaviour =
            participant.misbehaviour(sagaId, step.name(), attempt, CommandKind.ACTION);
        if (misbehaviour != Misbehaviour.NONE) {
          met.merge(misbehaviour, 1, Integer::sum);
        }
        boolean more = policy.allowsAttemptAfter(attempt);
        boolean answered =
            verdict != Verdict.SILENCE
                && misbehaviour != Misbehaviour.GARBAGE
                && (misbehaviour != Misbehaviour.LATE || lateApplied);
        if (!answered) {
          if (!more) {
            return End.TIMED_OUT;
          }
          continue;
        }
        switch (verdict) {
          case SUCCEED -> {
            return End.SUCCEEDED;
          }
          case BUSINESS_FAILURE -> {
            return End.FAILED;
          }
          default -> {
            if (!more || !policy.isRetriable(ParticipantBehaviour.RETRIABLE_CODE)) {
              return End.FAILED;
            }
          }
        }
      }
    }
  }

  private enum End {
    SUCCEEDED,
    FAILED,
    TIMED_OUT
  }
}
