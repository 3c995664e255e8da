package io.sagaflow.chaos;

import io.sagaflow.app.config.ParticipantsConfig;
import io.sagaflow.app.demo.OutcomePrediction;
import io.sagaflow.app.modules.SagaModules;
import io.sagaflow.app.participants.ParticipantBehaviour;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the seed says about each started saga: one {@link OutcomePrediction} per saga type, on the
 * latest loaded definition of that type (the one the workload starts) and the run's participants.
 */
final class Predictions {
  private final SagaModules modules;
  private final List<ParticipantBehaviour> behaviours;
  private final Map<String, OutcomePrediction> byType = new HashMap<>();

  Predictions(SagaModules modules, ParticipantsConfig participants) {
    this.modules = modules;
    this.behaviours =
        ParticipantBehaviour.of(modules.participants(), modules.registry(), participants);
  }

  /** The prediction for {@code saga}; refuses a saga of a type no loaded module defines. */
  OutcomePrediction of(StartedSaga saga) {
    return byType.computeIfAbsent(
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
                                    + "', which no loaded module defines; check --plugin-path.")),
                behaviours));
  }
}
