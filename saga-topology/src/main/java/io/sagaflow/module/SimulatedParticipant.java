package io.sagaflow.module;

import java.util.Objects;
import java.util.Optional;

/**
 * A stand-in for one participant service: the command topic it serves and how it answers. Whether
 * an action succeeds, is declined, fails transiently or goes unanswered is drawn by the runtime
 * from the simulation seed and the command id, so outcomes are reproducible; this record says only
 * what is particular to the participant.
 *
 * @param name unique across every loaded module: it names the participant in settings ({@code
 *     saga.participants.disabled}), consumer groups and logs
 * @param commandTopic the topic whose commands and compensations it answers
 * @param declinableStep the step whose actions it may refuse for a business reason, if any; the
 *     share refused is the runtime's decline rate
 * @param declineCode the error code of such a refusal, one the step lists as non-retriable
 * @param extraRetriableFailureRate a share of this participant's actions that fail transiently on
 *     top of the runtime's retriable failure rate: a flaky service, to show retries
 * @param results the typed result of each successful command
 */
public record SimulatedParticipant(
    String name,
    String commandTopic,
    Optional<String> declinableStep,
    String declineCode,
    double extraRetriableFailureRate,
    StepResults results) {

  /** Rejects blank names and topics and rates outside [0, 1]. */
  public SimulatedParticipant {
    Objects.requireNonNull(declinableStep, "declinableStep");
    Objects.requireNonNull(declineCode, "declineCode");
    Objects.requireNonNull(results, "results");
    if (name == null || !name.matches("[a-z0-9][a-z0-9-]*")) {
      throw new IllegalArgumentException(
          "participant name must be lower-case letters, digits and dashes, was '" + name + "'");
    }
    if (commandTopic == null || commandTopic.isBlank()) {
      throw new IllegalArgumentException("participant " + name + " needs a command topic");
    }
    if (!(extraRetriableFailureRate >= 0.0 && extraRetriableFailureRate <= 1.0)) {
      throw new IllegalArgumentException(
          "participant " + name + ": extraRetriableFailureRate must be within [0, 1]");
    }
  }

  /** A participant that never declines and is no flakier than the runtime says. */
  public static SimulatedParticipant reliable(
      String name, String commandTopic, StepResults results) {
    return new SimulatedParticipant(name, commandTopic, Optional.empty(), "", 0.0, results);
  }

  /** This participant, refusing actions of {@code step} with {@code code} at the decline rate. */
  public SimulatedParticipant declining(String step, String code) {
    return new SimulatedParticipant(
        name, commandTopic, Optional.of(step), code, extraRetriableFailureRate, results);
  }

  /** This participant, failing {@code rate} of its actions transiently on top of the runtime's. */
  public SimulatedParticipant flaky(double rate) {
    return new SimulatedParticipant(name, commandTopic, declinableStep, declineCode, rate, results);
  }
}
