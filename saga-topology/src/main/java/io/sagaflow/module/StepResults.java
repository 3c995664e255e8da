package io.sagaflow.module;

import java.util.Optional;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;

/**
 * The typed result a simulated participant returns for a command it carries out. It must be a pure
 * function of the command and its id (derive ids from the command id), so a redelivered command
 * gets the same answer and a run can be predicted from its seed.
 */
@FunctionalInterface
public interface StepResults {

  /**
   * The result of {@code command}; empty when the step returns nothing (compensations usually).
   *
   * @throws IllegalArgumentException for a command type this participant does not serve
   */
  Optional<SpecificRecord> resultOf(SpecificRecord command, UUID commandId);
}
