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
 */
public record VerifierSettings(
    String bootstrapServers,
    String schemaRegistryUrl,
    String applicationId,
    List<StartedSaga> sagas,
    ParticipantsConfig participants,
    long expectedDeadLetters,
    Duration openTransactionBound,
    Duration readBound) {

  /** Default for {@link #openTransactionBound}: the 10 s timeout plus the broker's abort scan. */
  public static final Duration DEFAULT_OPEN_TRANSACTION_BOUND = Duration.ofMinutes(1);

  /** Default for {@link #readBound}. */
  public static final Duration DEFAULT_READ_BOUND = Duration.ofMinutes(2);

  /** Copies the list of sagas. */
  public VerifierSettings {
    sagas = List.copyOf(sagas);
  }
}
