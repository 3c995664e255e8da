package io.sagaflow.chaos;

import io.sagaflow.app.config.ParticipantsConfig;
import io.sagaflow.app.modules.SagaModules;
import io.sagaflow.app.participants.Misbehaviour;
import java.util.List;

/**
 * How many garbage replies the participants write in a run, from the seed and the rates alone: each
 * is owed exactly one dead letter (the participants write it in a transaction with the command's
 * offset, so a killed participant neither loses nor repeats it). Computed, not reported by the
 * participants, so that the verifier run alone reaches the same number.
 */
final class GarbageReplies {
  private GarbageReplies() {}

  /** Garbage replies to the commands of {@code sagas} under {@code participants}. */
  static long predicted(
      SagaModules modules, List<StartedSaga> sagas, ParticipantsConfig participants) {
    if (participants.garbageReplyRate() == 0.0) {
      return 0;
    }
    Predictions predictions = new Predictions(modules, participants);
    long garbage = 0;
    for (StartedSaga saga : sagas) {
      garbage +=
          predictions.of(saga).misbehaviours(saga.sagaId()).getOrDefault(Misbehaviour.GARBAGE, 0);
    }
    return garbage;
  }
}
