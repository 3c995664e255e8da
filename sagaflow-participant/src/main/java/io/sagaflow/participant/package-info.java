/**
 * The participant kit: what a Java service needs to take part in sagas. {@link
 * io.sagaflow.participant.Participant} consumes a command topic, hands each command to a typed
 * handler with its correlation ({@link io.sagaflow.participant.CommandContext}), and writes the
 * handler's {@link io.sagaflow.participant.Reply} as a {@code StepReply} with every header the
 * processor reads. It deduplicates redelivered commands by command id ({@link
 * io.sagaflow.participant.CommandLedger}), dead-letters what it cannot read and keeps going, and
 * reports its {@link io.sagaflow.participant.Health}. It uses plain Kafka clients, never Kafka
 * Streams. {@code docs/participants.md} is the guide and the wire protocol for other languages.
 */
package io.sagaflow.participant;
