package io.sagaflow.chaos;

import io.sagaflow.app.config.ParticipantsConfig;
import java.time.Duration;
import java.util.List;

/**
 * What the verifier needs to know about a run.
 *
 * @param bootstrapServers the Kafka cluster the run used
 * @param schemaRegistryUrl the registry its records' schemas are in
 * @param applicationId the processors' {@code application.id}, which names the saga-state changelog
 * @param sagas the sagas the run started
 * @param participants how the simulated participants answered (seed and rates), which fixes each
 *     saga's predicted outcome
 * @param expectedDeadLetters dead letters the run is owed: one per injected bad input and one per
 *     garbage reply its participants drew ({@code GarbageReplies})
 * @param openTransactionBound how long a transaction may stay open before it counts as left open;
 *     longer than the processors' transaction timeout (10 s for Kafka Streams), so the broker has
 *     aborted a dead producer's transaction by then
 * @param readBound how long reading one topic to its end may take
 * @param timerRaceTolerance how long a reply may have been on saga.replies before a timeout of its
 *     attempt, and how late that timeout may have fired, before the timer counts as having beaten a
 *     reply that was waiting (docs/reliability.md, "Timers against replies")
 */
public record VerifierSettings(
    String bootstrapServers,
    String schemaRegistryUrl,
    String applicationId,
    List<StartedSaga> sagas,
    ParticipantsConfig participants,
    long expectedDeadLetters,
    Duration openTransactionBound,
    Duration readBound,
    Duration timerRaceTolerance) {

  /** Default for {@link #openTransactionBound}: the 10 s timeout plus the broker's abort scan. */
  public static final Duration DEFAULT_OPEN_TRANSACTION_BOUND = Duration.ofMinutes(1);

  /** Default for {@link #readBound}. */
  public static final Duration DEFAULT_READ_BOUND = Duration.ofMinutes(2);

  /**
   * Default for {@link #timerRaceTolerance}: a running processor fires a due timer within one
   * punctuation (200 ms) and reads a reply within a poll or two (its fetch waits 20 ms, its commits
   * come every 100 ms); ten times that leaves room for a box shared by eight JVMs.
   */
  public static final Duration DEFAULT_TIMER_RACE_TOLERANCE = Duration.ofSeconds(2);

  /** Copies the list of sagas. */
  public VerifierSettings {
    sagas = List.copyOf(sagas);
  }

  /** Settings with the default {@link #timerRaceTolerance}. */
  public VerifierSettings(
      String bootstrapServers,
      String schemaRegistryUrl,
      String applicationId,
      List<StartedSaga> sagas,
      ParticipantsConfig participants,
      long expectedDeadLetters,
      Duration openTransactionBound,
      Duration readBound) {
    this(
        bootstrapServers,
        schemaRegistryUrl,
        applicationId,
        sagas,
        participants,
        expectedDeadLetters,
        openTransactionBound,
        readBound,
        DEFAULT_TIMER_RACE_TOLERANCE);
  }
}
