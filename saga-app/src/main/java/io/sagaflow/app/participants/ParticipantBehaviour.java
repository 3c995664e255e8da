package io.sagaflow.app.participants;

import io.sagaflow.app.config.ParticipantsConfig;
import io.sagaflow.engine.CommandKind;
import io.sagaflow.module.SimulatedParticipant;
import io.sagaflow.module.StepResults;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * How one simulated participant answers. {@link #decide} is a pure function of the seed, the saga,
 * the step and the attempt, never of arrival order or time, so the same seed gives the same saga
 * outcomes on every run, after a crash, and in the demo's prediction.
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
   * The verdict for {@code attempt} of {@code step}'s command in saga {@code sagaId}. Compensations
   * always succeed: the simulation exercises rollbacks, not stuck sagas.
   *
   * <p>Each step has a fate, drawn from the seed, saga and step: declined (only the declinable
   * step, at the decline rate) or done. A few leading attempts may fail transiently first, each one
   * going on failing with the transient rates (an unanswered or a retriable failure); from the
   * first attempt that does not, every attempt meets the fate. So an extra attempt (a command sent
   * again after a timeout or a crash) never turns a step's outcome around: it meets the same fate
   * as the attempt before it, or one that failed transiently already.
   */
  public Verdict decide(String sagaId, String step, int attempt, CommandKind kind) {
    if (kind == CommandKind.COMPENSATION) {
      return Verdict.SUCCEED;
    }
    double transientRate = silenceRate + retriableFailureRate;
    for (int leading = 1; leading <= attempt; leading++) {
      if (draw(sagaId, step, leading) >= transientRate) {
        return fate(sagaId, step);
      }
    }
    return draw(sagaId, step, attempt) < silenceRate ? Verdict.SILENCE : Verdict.RETRIABLE_FAILURE;
  }

  private Verdict fate(String sagaId, String step) {
    double business = declinableStep.filter(step::equals).isPresent() ? businessFailureRate : 0.0;
    return draw(sagaId, step, 0) < business ? Verdict.BUSINESS_FAILURE : Verdict.SUCCEED;
  }

  /** A uniform draw in [0, 1) from seed, saga, step and {@code slot}, the same on every run. */
  private double draw(String sagaId, String step, int slot) {
    UUID key =
        UUID.nameUUIDFromBytes(
            (sagaId + '\u0000' + step + '\u0000' + slot).getBytes(StandardCharsets.UTF_8));
    // SplittableRandom mixes the seed, so neighbouring keys draw independently.
    return new SplittableRandom(
            seed
                ^ key.getMostSignificantBits()
                ^ Long.rotateLeft(key.getLeastSignificantBits(), 17))
        .nextDouble();
  }
}
