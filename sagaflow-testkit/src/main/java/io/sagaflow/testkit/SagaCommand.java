package io.sagaflow.testkit;

import io.sagaflow.engine.CommandKind;
import java.time.Instant;
import org.apache.avro.specific.SpecificRecord;

/**
 * A command the saga processor sent to a participant, as the participant sees it: the decoded
 * payload plus the correlation the headers carry. Answer it with {@link
 * SagaTestDriver#success(SagaCommand, SpecificRecord)} and its siblings.
 *
 * @param sagaId the record key: the saga the command belongs to
 * @param topic the command topic it was written to
 * @param step the step it performs or undoes (header {@code saga_step})
 * @param kind action or compensation (header {@code saga_kind})
 * @param attempt 1 for the first try, counting retries (header {@code saga_attempt})
 * @param commandId the id a reply must echo (header {@code ce_id})
 * @param payload the command record, of the generated class the step's factory built
 * @param timestamp the record time: the processor's wall clock when it was sent
 */
public record SagaCommand(
    String sagaId,
    String topic,
    String step,
    CommandKind kind,
    int attempt,
    String commandId,
    SpecificRecord payload,
    Instant timestamp) {

  /** Whether this is the step's action (not its compensation). */
  public boolean isAction() {
    return kind == CommandKind.ACTION;
  }

  /** Whether this undoes the step. */
  public boolean isCompensation() {
    return kind == CommandKind.COMPENSATION;
  }

  /** {@code step:KIND#attempt}, the form failure messages list commands in. */
  @Override
  public String toString() {
    return step + ":" + kind + "#" + attempt;
  }
}
