package io.sagaflow.chaos;

import io.sagaflow.chaos.OpenTransactions.OpenPartition;
import io.sagaflow.engine.SagaRegistry;
import io.sagaflow.engine.SagaStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the verifier read, before judging it.
 *
 * @param sagas the sagas the run started
 * @param predicted the status each of them must end in, from the seed
 * @param events what saga.events says
 * @param commands the committed commands of every command topic
 * @param deadLetters the committed dead letters
 * @param expectedDeadLetters how many bad inputs the run injected, each owed one dead letter
 * @param stored each started saga's status in its last saga-state changelog record, if it has one
 * @param storedSagas sagas of any run in the changelog
 * @param open partitions whose transactions stayed open past {@code openBound}
 * @param openBound how long open transactions were given to finish
 * @param ongoingTransactionalIds transactional ids the broker lists as ongoing, named when some
 *     partition stayed open
 * @param missingTopics topics that had to be read but do not exist
 * @param registry the saga definitions the run loaded, which the state replay and the timer check
 *     decide with; empty to leave the replay out (the figures say so)
 * @param inputs the committed requests and replies of the started sagas
 * @param storedStates each started saga's last saga-state changelog record, if it has one
 * @param timerRaceTolerance how far a reply's record time and a timeout's lateness may go before a
 *     timer that beat the reply counts as a violation (see {@link TimerCheck})
 */
record Observations(
    List<StartedSaga> sagas,
    Map<String, SagaStatus> predicted,
    EventLedger events,
    CommandLedger commands,
    DeadLetterLedger deadLetters,
    long expectedDeadLetters,
    Map<String, SagaStatus> stored,
    long storedSagas,
    List<OpenPartition> open,
    Duration openBound,
    List<String> ongoingTransactionalIds,
    List<String> missingTopics,
    Optional<SagaRegistry> registry,
    InputLedger inputs,
    Map<String, StoredState> storedStates,
    Duration timerRaceTolerance) {}
