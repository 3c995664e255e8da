package io.sagaflow.participant;

/**
 * What a participant did so far.
 *
 * @param handled commands handed to a handler
 * @param answeredFromLedger redelivered commands answered from the ledger, without the handler
 * @param deadLettered records written to the dead-letter topic
 * @param handlerFailures handler calls that threw and were answered as retriable failures
 */
public record ParticipantStats(
    long handled, long answeredFromLedger, long deadLettered, long handlerFailures) {}
