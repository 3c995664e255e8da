package io.sagaflow.chaos;

import io.sagaflow.app.demo.DemoWorkload;
import io.sagaflow.app.modules.SagaModules;
import io.sagaflow.module.DemoData;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A saga a workload started, which the verifier must find finished.
 *
 * @param sagaId the saga id (also the record key everywhere)
 * @param sagaType its saga type, which says whose definition predicts its outcome
 */
public record StartedSaga(String sagaId, String sagaType) {

  /** Rejects missing parts: a saga without an id or a type cannot be checked. */
  public StartedSaga {
    Objects.requireNonNull(sagaId, "sagaId");
    Objects.requireNonNull(sagaType, "sagaType");
  }

  /**
   * The sagas a run starts for every module with demo data: {@code <runId>-<noun>-00001} to {@code
   * <runId>-<noun>-<perType>}, the ids the demo and the chaos runner's workload use.
   */
  public static List<StartedSaga> ofRun(SagaModules modules, String runId, int perType) {
    List<StartedSaga> sagas = new ArrayList<>();
    for (DemoData demo : modules.demoData()) {
      for (String id : DemoWorkload.sagaIds(runId + "-" + demo.noun(), perType)) {
        sagas.add(new StartedSaga(id, demo.sagaType()));
      }
    }
    return sagas;
  }
}
