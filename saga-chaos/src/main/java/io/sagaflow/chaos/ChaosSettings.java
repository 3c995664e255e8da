package io.sagaflow.chaos;

import io.sagaflow.app.config.ParticipantsConfig;
import io.sagaflow.chaos.FaultPlan.Counts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * One chaos run, as the command line gave it.
 *
 * @param seed draws the faults and the participants' verdicts, so it repeats a run
 * @param runId prefix of the saga ids
 * @param sagasPerType sagas started per saga type with demo data
 * @param processors processors at the start (1 to 3)
 * @param faults how many faults of each kind
 * @param minGap shortest pause between faults
 * @param maxGap longest pause between faults
 * @param commitIntervalMs the processors' {@code commit.interval.ms}, when not the default
 * @param standbyReplicas the processors' {@code num.standby.replicas}, when not the default
 * @param sessionTimeoutMs the processors' {@code session.timeout.ms}, when not Kafka's 45 s
 * @param badInputs undecodable records injected into saga.requests and saga.replies
 * @param participants how the simulated participants answer: seed, rates (misbehaviour included)
 *     and latency
 * @param jar sagaflow.jar
 * @param pluginPath the saga modules' plugin jars
 * @param work the run's directory: data, logs
 * @param settleTimeout how long the run may take to settle every saga after the last fault
 * @param recoveryBound how long to wait for work to resume after a fault
 */
record ChaosSettings(
    long seed,
    String runId,
    int sagasPerType,
    int processors,
    Counts faults,
    Duration minGap,
    Duration maxGap,
    Optional<Long> commitIntervalMs,
    Optional<Integer> standbyReplicas,
    Optional<Long> sessionTimeoutMs,
    int badInputs,
    ParticipantsConfig participants,
    Path jar,
    Path pluginPath,
    Path work,
    Duration settleTimeout,
    Duration recoveryBound) {

  /** Kafka Streams' transaction timeout under exactly-once (its default, which we keep). */
  static final Duration TRANSACTION_TIMEOUT = Duration.ofSeconds(10);

  /** Kafka's default consumer session timeout. */
  static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(45);

  /**
   * How long a zombie stays frozen: past its session (so its partitions move) and its transaction
   * timeout (so its transaction is aborted), with room for the broker's abort scan.
   */
  Duration zombiePause() {
    Duration session = sessionTimeoutMs.map(Duration::ofMillis).orElse(DEFAULT_SESSION_TIMEOUT);
    Duration longer = session.compareTo(TRANSACTION_TIMEOUT) > 0 ? session : TRANSACTION_TIMEOUT;
    return longer.plusSeconds(10);
  }
}
