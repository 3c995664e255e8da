package io.sagaflow.participant;

import org.apache.avro.specific.SpecificRecord;

/**
 * Carries out one command and says how it went.
 *
 * <p>An exception thrown here is answered as a {@link Reply#retriableFailure retriable failure}
 * with code {@value Participant#HANDLER_FAILED_CODE}, whose message names the exception's class but
 * not its message (which may hold personal data; the participant's log has it); the orchestrator
 * then retries the step per its policy. An {@link Error} is not caught: it ends the participant's
 * loop, and {@link Participant#health()} reports it FAILED.
 *
 * @param <C> the command's generated Avro class
 */
@FunctionalInterface
public interface CommandHandler<C extends SpecificRecord> {

  /** The reply to {@code command}; {@link Reply#none()} to leave it unanswered for now. */
  Reply handle(C command, CommandContext context) throws Exception;
}
