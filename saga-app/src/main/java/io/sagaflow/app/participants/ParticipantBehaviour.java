package io.sagaflow.app.participants;

import io.sagaflow.app.config.ParticipantsConfig;
import io.sagaflow.engine.CommandKind;
import io.sagaflow.engine.Ids;
import io.sagaflow.engine.SagaRegistry;
import io.sagaflow.module.SimulatedParticipant;
import io.sagaflow.module.StepResults;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
 * @param duplicateReplyRate share of the commands that may misbehave answered twice
 * @param lateReplyRate share of them answered after the step's timeout
 * @param garbageReplyRate share of them answered with bytes that are no reply
 * @param results the typed result of each successful command
 * @param steps the terms of the steps it serves, by step name, which bound its misbehaviour
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
    double duplicateReplyRate,
    double lateReplyRate,
    double garbageReplyRate,
    StepResults results,
    Map<String, StepTerms> steps) {

  /** The error code of a transient failure. */
  public static final String RETRIABLE_CODE = "TEMPORARILY_UNAVAILABLE";

  // Draws of the fate use slot 0 and those of attempts their number; misbehaviour has its own.
  private static final int MISBEHAVIOUR_SLOT = -1;

  /**
   * How long after a step's timeout a late reply is written: beyond the processor's timer scan and
   * a busy moment, so the attempt has timed out when the reply is read.
   */
  public static final Duration LATE_MARGIN = Duration.ofSeconds(3);

  /** Copies the step terms. */
  public ParticipantBehaviour {
    steps = Map.copyOf(steps);
  }

  /**
   * The behaviours of {@code participants} under {@code config}, disabled ones included; {@code
   * registry} holds the definitions whose steps they serve.
   */
  public static List<ParticipantBehaviour> of(
      List<SimulatedParticipant> participants, SagaRegistry registry, ParticipantsConfig config) {
    return participants.stream().map(p -> of(p, registry, config)).toList();
  }

  /** The behaviour of {@code participant} under {@code config}. */
  public static ParticipantBehaviour of(
      SimulatedParticipant participant, SagaRegistry registry, ParticipantsConfig config) {
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
        config.duplicateReplyRate(),
        config.lateReplyRate(),
        config.garbageReplyRate(),
        participant.results(),
        StepTerms.onTopic(participant.commandTopic(), registry));
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

  /**
   * Whether, and how, the participant answers {@code attempt} of {@code step}'s command wrongly on
   * purpose. A misbehaviour is drawn only where it cannot change how the saga ends, so {@code
   * OutcomePrediction} stays exact without modelling it:
   *
   * <ul>
   *   <li>only actions (compensations are always answered normally), and only their first attempt,
   *       so each step pays at most one extra timeout;
   *   <li>only when that attempt meets the step's fate ({@link Verdict#SUCCEED} or {@link
   *       Verdict#BUSINESS_FAILURE}): every later attempt meets the same fate, so a reply that is
   *       lost, garbled or applied late decides the step exactly as the second attempt does;
   *   <li>only when {@code terms} allow a second attempt, so an unanswered first attempt is retried
   *       rather than failing the step.
   * </ul>
   *
   * <p>The terms of a step come from the loaded definitions ({@link StepTerms#onTopic}); a step
   * none of them has never misbehaves. A duplicate is the verdict's reply twice; a late reply comes
   * after the step's timeout (the processor retries, and whichever of the late reply and the second
   * attempt's arrives first carries the same fate); garbage replaces the reply, and the attempt
   * times out. One draw, from the seed, saga and step, picks garbage, late or duplicate in that
   * order of the rates, so the number of garbage replies depends on the garbage rate alone.
   */
  public Misbehaviour misbehaviour(String sagaId, String step, int attempt, CommandKind kind) {
    if (kind != CommandKind.ACTION
        || attempt != 1
        || !steps.getOrDefault(step, StepTerms.UNKNOWN).retriesAfterFirst()) {
      return Misbehaviour.NONE;
    }
    Verdict verdict = decide(sagaId, step, attempt, kind);
    if (verdict != Verdict.SUCCEED && verdict != Verdict.BUSINESS_FAILURE) {
      return Misbehaviour.NONE;
    }
    double draw = draw(sagaId, step, MISBEHAVIOUR_SLOT);
    if (draw < garbageReplyRate) {
      return Misbehaviour.GARBAGE;
    }
    if (draw < garbageReplyRate + lateReplyRate) {
      return Misbehaviour.LATE;
    }
    if (draw < garbageReplyRate + lateReplyRate + duplicateReplyRate) {
      return Misbehaviour.DUPLICATE;
    }
    return Misbehaviour.NONE;
  }

  /**
   * How long a late reply to {@code step}'s command waits: its timeout and {@link #LATE_MARGIN}.
   */
  public Duration lateReplyDelay(String step) {
    return steps.getOrDefault(step, StepTerms.UNKNOWN).timeout().plus(LATE_MARGIN);
  }

  private Verdict fate(String sagaId, String step) {
    double business = declinableStep.filter(step::equals).isPresent() ? businessFailureRate : 0.0;
    return draw(sagaId, step, 0) < business ? Verdict.BUSINESS_FAILURE : Verdict.SUCCEED;
  }

  /** A uniform draw in [0, 1) from seed, saga, step and {@code slot}, the same on every run. */
  private double draw(String sagaId, String step, int slot) {
    // The id UUID.nameUUIDFromBytes gives, without its security provider lookup per call.
    UUID key =
        Ids.nameBased(
            (sagaId + '\u0000' + step + '\u0000' + slot).getBytes(StandardCharsets.UTF_8));
    // SplittableRandom mixes the seed, so neighbouring keys draw independently.
    return new SplittableRandom(
            seed
                ^ key.getMostSignificantBits()
                ^ Long.rotateLeft(key.getLeastSignificantBits(), 17))
        .nextDouble();
  }
}
