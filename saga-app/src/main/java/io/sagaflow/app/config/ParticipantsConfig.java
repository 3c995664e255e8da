package io.sagaflow.app.config;

import java.time.Duration;

/**
 * How the saga modules' simulated participants behave. Every decision is a pure function of {@code
 * seed} and the command id, so a run is reproducible.
 *
 * @param enabled whether this instance runs the simulated participants
 * @param seed the simulation seed, also used by the demo workload for its orders
 * @param latency how long a participant takes to reply to a command
 * @param declineRate share of the actions of each participant's declinable step refused for a
 *     business reason (the payment participant's authorize-payment in the order example)
 * @param retriableFailureRate share of action commands, of any participant, failing transiently
 * @param silenceRate share of action commands never answered (the step times out)
 * @param duplicateReplyRate share of the first attempts that may misbehave (see {@code
 *     ParticipantBehaviour.misbehaviour}) answered twice with the same reply
 * @param lateReplyRate share of them answered only after the step's timeout
 * @param garbageReplyRate share of them answered with bytes that are no reply at all
 * @param disabled names of participants not to run, so a real service can take their place
 */
public record ParticipantsConfig(
    boolean enabled,
    long seed,
    Duration latency,
    double declineRate,
    double retriableFailureRate,
    double silenceRate,
    double duplicateReplyRate,
    double lateReplyRate,
    double garbageReplyRate,
    java.util.Set<String> disabled) {

  /** Rejects rates that together exceed 1 where they share one draw. */
  public ParticipantsConfig {
    disabled = java.util.Set.copyOf(disabled);
    if (declineRate + retriableFailureRate + silenceRate > 1.0) {
      throw new ConfigException(
          "saga.participants.decline.rate + retriable.failure.rate + silence.rate must not"
              + " exceed 1, was "
              + (declineRate + retriableFailureRate + silenceRate)
              + ".");
    }
    double misbehaving = duplicateReplyRate + lateReplyRate + garbageReplyRate;
    if (misbehaving > 1.0) {
      throw new ConfigException(
          "saga.participants.duplicate.reply.rate + late.reply.rate + garbage.reply.rate must"
              + " not exceed 1 (they share one draw per command), was "
              + misbehaving
              + ".");
    }
  }

  /** Participants that answer every command they answer once, in time and readable. */
  public ParticipantsConfig(
      boolean enabled,
      long seed,
      Duration latency,
      double declineRate,
      double retriableFailureRate,
      double silenceRate,
      java.util.Set<String> disabled) {
    this(
        enabled,
        seed,
        latency,
        declineRate,
        retriableFailureRate,
        silenceRate,
        0.0,
        0.0,
        0.0,
        disabled);
  }
}
