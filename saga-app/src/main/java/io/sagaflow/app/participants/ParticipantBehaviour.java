package io.sagaflow.app.participants;

import io.sagaflow.app.config.ParticipantsConfig;
import io.sagaflow.engine.CommandKind;
import io.sagaflow.module.SimulatedParticipant;
import io.sagaflow.module.StepResults;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * How one simulated participant answers. {@link #decide} is a pure function of the seed and the
 * command id, never of arrival order or time, so the same seed gives the same saga outcomes on
 * every run, after a crash, and in the demo's prediction.
 *
 * @param name participant name, also part of its consumer group id
 * @param topic the command topic it serves
 * @param seed the simulation seed
 * @param latency delay before each reply
 * @param declinableStep the step this participant may refuse for a business reason, if any
 * @param declineCode the error code of such a refusal
 * @param businessFailureRate share of {@code declinableStep} actions refused
 * @param retriableFailureRate share of actions failing transiently
 * @param silenceRate share of actions never answered
 * @param results the typed result of each successful command
 */
public record ParticipantBehaviour(
    String name,
    String topic,
    long seed,
    Duration latency,
    Optional<String> declinableStep,
    String declineCode,
    double businessFailureRate,
    double retriableFailureRate,
    double silenceRate,
    StepResults results) {

  /** The error code of a transient failure. */
  public static final String RETRIABLE_CODE = "TEMPORARILY_UNAVAILABLE";

  /** The behaviours of {@code participants} under {@code config}, disabled ones included. */
  public static List<ParticipantBehaviour> of(
      List<SimulatedParticipant> participants, ParticipantsConfig config) {
    return participants.stream().map(p -> of(p, config)).toList();
  }

  /** The behaviour of {@code participant} under {@code config}. */
  public static ParticipantBehaviour of(
      SimulatedParticipant participant, ParticipantsConfig config) {
    return new ParticipantBehaviour(
        participant.name(),
        participant.commandTopic(),
        config.seed(),
        config.latency(),
        participant.declinableStep(),
        participant.declineCode(),
        participant.declinableStep().isPresent() ? config.declineRate() : 0.0,
        Math.min(
            1.0 - config.silenceRate(),
            config.retriableFailureRate() + participant.extraRetriableFailureRate()),
        config.silenceRate(),
        participant.results());
  }

  /**
   * The verdict for the command {@code commandId} of {@code step}. Compensations always succeed:
   * the simulation exercises rollbacks, not stuck sagas.
   */
  public Verdict decide(String step, CommandKind kind, UUID commandId) {
    if (kind == CommandKind.COMPENSATION) {
      return Verdict.SUCCEED;
    }
    // One draw per command: SplittableRandom mixes the seed, so neighbouring ids draw
    // independently.
    double draw =
        new SplittableRandom(
                seed
                    ^ commandId.getMostSignificantBits()
                    ^ Long.rotateLeft(commandId.getLeastSignificantBits(), 17))
            .nextDouble();
    double business = declinableStep.filter(step::equals).isPresent() ? businessFailureRate : 0.0;
    if (draw < silenceRate) {
      return Verdict.SILENCE;
    }
    if (draw < silenceRate + retriableFailureRate) {
      return Verdict.RETRIABLE_FAILURE;
    }
    if (draw < silenceRate + retriableFailureRate + business) {
      return Verdict.BUSINESS_FAILURE;
    }
    return Verdict.SUCCEED;
  }
}
