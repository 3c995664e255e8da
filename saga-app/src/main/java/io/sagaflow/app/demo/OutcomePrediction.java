package io.sagaflow.app.demo;

import io.sagaflow.app.participants.Misbehaviour;
import io.sagaflow.app.participants.ParticipantBehaviour;
import io.sagaflow.app.participants.Verdict;
import io.sagaflow.engine.CommandKind;
import io.sagaflow.engine.RetryPolicy;
import io.sagaflow.engine.SagaDefinition;
import io.sagaflow.engine.SagaStatus;
import io.sagaflow.engine.StepDefinition;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Predicts how each demo saga ends from the seed alone: the participants' verdicts are a pure
 * function of seed, saga, step and attempt. This lets the demo (and its tests) check the
 * processor's outcomes against numbers nobody typed in.
 *
 * <p>It models only what the demo's participants do: actions may succeed, be declined, fail
 * transiently or go unanswered (a timeout); compensations always succeed. Failure before the pivot
 * compensates; an unanswered pivot or a step after the pivot out of attempts parks the saga STUCK.
 *
 * <p>Participants that misbehave on purpose (answer twice, late or with garbage) change no outcome:
 * {@link ParticipantBehaviour#misbehaviour} draws them only where the next attempt decides the step
 * as the misbehaving one would have. {@link #misbehaviours} says how many of each a saga meets, so
 * a run knows how many garbage replies, hence dead letters, to expect.
 */
public final class OutcomePrediction {
  private final SagaDefinition<?> definition;
  private final List<ParticipantBehaviour> participants;

  /** A predictor for sagas of {@code definition} served by {@code participants}. */
  public OutcomePrediction(SagaDefinition<?> definition, List<ParticipantBehaviour> participants) {
    this.definition = definition;
    this.participants = List.copyOf(participants);
  }

  /** How many of {@code sagaIds} end in each status. */
  public Map<SagaStatus, Integer> counts(List<String> sagaIds) {
    Map<SagaStatus, Integer> counts = new EnumMap<>(SagaStatus.class);
    for (String sagaId : sagaIds) {
      counts.merge(outcome(sagaId), 1, Integer::sum);
    }
    return counts;
  }

  /** The status saga {@code sagaId} ends in. */
  public SagaStatus outcome(String sagaId) {
    for (List<? extends StepDefinition<?>> stage : definition.stages()) {
      for (StepDefinition<?> step : stage) {
        StepEnd end = run(sagaId, step);
        if (end != StepEnd.SUCCEEDED) {
          return switch (step.kind()) {
            case COMPENSATABLE -> SagaStatus.COMPENSATED;
            case PIVOT -> end == StepEnd.TIMED_OUT ? SagaStatus.STUCK : SagaStatus.COMPENSATED;
            case RETRIABLE -> SagaStatus.STUCK;
          };
        }
      }
    }
    return SagaStatus.COMPLETED;
  }

  /**
   * How many commands of saga {@code sagaId} its participants answer with each misbehaviour: the
   * first attempt of every step of every stage the saga reaches (all of a stage's steps are
   * commanded together, and the stage after one whose step did not succeed is never reached).
   */
  public Map<Misbehaviour, Integer> misbehaviours(String sagaId) {
    Map<Misbehaviour, Integer> counts = new EnumMap<>(Misbehaviour.class);
    for (List<? extends StepDefinition<?>> stage : definition.stages()) {
      boolean stageSucceeded = true;
      for (StepDefinition<?> step : stage) {
        Misbehaviour misbehaviour =
            participantFor(step).misbehaviour(sagaId, step.name(), 1, CommandKind.ACTION);
        if (misbehaviour != Misbehaviour.NONE) {
          counts.merge(misbehaviour, 1, Integer::sum);
        }
        stageSucceeded &= run(sagaId, step) == StepEnd.SUCCEEDED;
      }
      if (!stageSucceeded) {
        break;
      }
    }
    return counts;
  }

  private StepEnd run(String sagaId, StepDefinition<?> step) {
    ParticipantBehaviour participant = participantFor(step);
    RetryPolicy policy = step.effectiveRetryPolicy();
    for (int attempt = 1; ; attempt++) {
      Verdict verdict = participant.decide(sagaId, step.name(), attempt, CommandKind.ACTION);
      boolean more = policy.allowsAttemptAfter(attempt);
      switch (verdict) {
        case SUCCEED -> {
          return StepEnd.SUCCEEDED;
        }
        case BUSINESS_FAILURE -> {
          return StepEnd.FAILED;
        }
        case RETRIABLE_FAILURE -> {
          if (!more || !policy.isRetriable(ParticipantBehaviour.RETRIABLE_CODE)) {
            return StepEnd.FAILED;
          }
        }
        case SILENCE -> {
          if (!more) {
            return StepEnd.TIMED_OUT;
          }
        }
      }
    }
  }

  private ParticipantBehaviour participantFor(StepDefinition<?> step) {
    return participants.stream()
        .filter(p -> p.topic().equals(step.commandTopic()))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "No simulated participant serves " + step.commandTopic()));
  }

  private enum StepEnd {
    SUCCEEDED,
    FAILED,
    TIMED_OUT
  }
}
