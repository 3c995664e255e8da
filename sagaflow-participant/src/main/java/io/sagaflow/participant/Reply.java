package io.sagaflow.participant;

import java.util.Objects;
import java.util.Optional;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;

/**
 * What a handler answers to one command. The kit turns it into a {@code StepReply} on the command's
 * reply topic; the orchestrator applies a success, compensates on a business failure and retries a
 * retriable one per the step's policy.
 */
public sealed interface Reply
    permits Reply.Success, Reply.BusinessFailure, Reply.RetriableFailure, Reply.NoReply {

  /** Done, with nothing to return (compensations usually). */
  static Reply success() {
    return new Success(Optional.empty());
  }

  /** Done, returning {@code result} (an Avro generated record the step's definition expects). */
  static Reply success(SpecificRecord result) {
    return new Success(Optional.of(Objects.requireNonNull(result, "result")));
  }

  /**
   * Done, returning {@code result} as a generic record of the step's result schema: for bridges
   * that read the result schema from the registry and have no generated class (the HTTP connector).
   * A service with the generated classes uses {@link #success(SpecificRecord)}.
   */
  static Reply genericSuccess(GenericRecord result) {
    return new Success(Optional.of(Objects.requireNonNull(result, "result")));
  }

  /**
   * Refused for a business reason (out of stock, card declined): never retried, the saga
   * compensates. {@code code} is what a step's non-retriable codes are matched against.
   */
  static Reply businessFailure(String code, String message) {
    return new BusinessFailure(code, message);
  }

  /** A transient fault: the orchestrator sends the step again, as a new attempt, per its policy. */
  static Reply retriableFailure(String code, String message) {
    return new RetriableFailure(code, message);
  }

  /**
   * No reply now: the step times out on the orchestrator's timer unless something else answers (an
   * HTTP callback, a reply sent later). Nothing is recorded in the ledger, so a redelivery of the
   * command reaches the handler again.
   */
  static Reply none() {
    return NoReply.INSTANCE;
  }

  /**
   * Done.
   *
   * @param result the step's result (a generated record, or a generic one from a bridge), empty
   *     when it returns none
   */
  record Success(Optional<GenericContainer> result) implements Reply {
    /** Rejects a null optional. */
    public Success {
      Objects.requireNonNull(result, "result");
    }
  }

  /**
   * Refused for a business reason.
   *
   * @param code machine-readable, matched against the step's non-retriable codes
   * @param message for the person reading the saga's history
   */
  record BusinessFailure(String code, String message) implements Reply {
    /** Rejects a blank code. */
    public BusinessFailure {
      requireCode(code);
      Objects.requireNonNull(message, "message");
    }
  }

  /**
   * A transient fault.
   *
   * @param code machine-readable
   * @param message for the person reading the saga's history
   */
  record RetriableFailure(String code, String message) implements Reply {
    /** Rejects a blank code. */
    public RetriableFailure {
      requireCode(code);
      Objects.requireNonNull(message, "message");
    }
  }

  /** No reply. */
  enum NoReply implements Reply {
    /** The one value. */
    INSTANCE
  }

  private static void requireCode(String code) {
    if (code == null || code.isBlank()) {
      throw new IllegalArgumentException(
          "a failure reply needs an error code: the orchestrator matches it against the step's"
              + " non-retriable codes");
    }
  }
}
