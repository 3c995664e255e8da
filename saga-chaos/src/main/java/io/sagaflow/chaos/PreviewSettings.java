package io.sagaflow.chaos;

import io.sagaflow.app.config.ParticipantsConfig;
import io.sagaflow.chaos.FaultPlan.Counts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * One preview deploy and rollout, as the command line gave it.
 *
 * @param runId prefix of the saga ids
 * @param sagaType the saga type rolled out
 * @param stableVersion the version in service
 * @param candidateVersion the version rolled out, whose invariant is broken
 * @param weightBasisPoints the candidate's share of new sagas during the canary
 * @param rollbackEnabled false to start the rollout with guards that cannot fire, to show that the
 *     preview then fails
 * @param canarySagas sagas started while the rollout is ACTIVE
 * @param afterSagas sagas started once every processor has the rollout ROLLED_BACK
 * @param processors processor instances (separate processes)
 * @param participants how the simulated participants answer
 * @param jar sagaflow.jar
 * @param pluginPath the plugin directory holding both versions
 * @param work the run's directory: data, logs
 * @param rollbackTimeout how long after the canary's last start the rollback must be observed
 * @param settleTimeout how long every saga may take to end after the last start
 */
record PreviewSettings(
    String runId,
    String sagaType,
    int stableVersion,
    int candidateVersion,
    int weightBasisPoints,
    boolean rollbackEnabled,
    int canarySagas,
    int afterSagas,
    int processors,
    ParticipantsConfig participants,
    Path jar,
    Path pluginPath,
    Path work,
    Duration rollbackTimeout,
    Duration settleTimeout) {

  /** The deployment's settings in the chaos runner's terms: no fault, no bad input. */
  ChaosSettings deployment() {
    return new ChaosSettings(
        participants.seed(),
        runId,
        canarySagas + afterSagas,
        processors,
        new Counts(0, 0, 0, 0, false),
        Duration.ofSeconds(1),
        Duration.ofSeconds(1),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        0,
        participants,
        jar,
        pluginPath,
        work,
        settleTimeout,
        Duration.ofMinutes(2));
  }
}
