package io.sagaflow.chaos;

import io.sagaflow.app.config.ParticipantsConfig;
import io.sagaflow.app.demo.OutcomePrediction;
import io.sagaflow.app.modules.SagaModules;
import io.sagaflow.app.participants.Misbehaviour;
import io.sagaflow.app.participants.ParticipantBehaviour;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
    List<ParticipantBehaviour> behaviours =
        ParticipantBehaviour.of(modules.participants(), modules.registry(), participants);
    Map<String, OutcomePrediction> byType = new HashMap<>();
    long garbage = 0;
    for (StartedSaga saga : sagas) {
      OutcomePrediction prediction =
          byType.computeIfAbsent(
              saga.sagaType(),
              type ->
                  new OutcomePrediction(
                      modules
                          .registry()
                          .latest(type)
                          .orElseThrow(
                              () ->
                                  new IllegalArgumentException(
                                      "Saga "
                                          + saga.sagaId()
                                          + " is of type '"
                                          + type
                                          + "', which no loaded module defines; check"
                                          + " --plugin-path.")),
                      behaviours));
      garbage += prediction.misbehaviours(saga.sagaId()).getOrDefault(Misbehaviour.GARBAGE, 0);
    }
    return garbage;
  }
}
