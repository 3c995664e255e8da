package io.sagaflow.app.config;

import java.time.Duration;

/**
 * How the simulated participants (inventory, payment, shipping, notification) behave. Every
 * decision is a pure function of {@code seed} and the command id, so a run is reproducible.
 *
 * @param enabled whether this instance runs the simulated participants
 * @param seed the simulation seed, also used by the demo workload for its orders
 * @param latency how long a participant takes to reply to a command
 * @param paymentFailureRate share of {@code authorize-payment} commands declined (CARD_DECLINED)
 * @param retriableFailureRate share of action commands, of any participant, failing transiently
 * @param silenceRate share of action commands never answered (the step times out)
 */
public record ParticipantsConfig(
    boolean enabled,
    long seed,
    Duration latency,
    double paymentFailureRate,
    double retriableFailureRate,
    double silenceRate) {

  /** Rejects rates that together exceed 1, since they share one draw. */
  public ParticipantsConfig {
    if (paymentFailureRate + retriableFailureRate + silenceRate > 1.0) {
      throw new ConfigException(
          "saga.participants.payment.failure.rate + retriable.failure.rate + silence.rate must not"
              + " exceed 1, was "
              + (paymentFailureRate + retriableFailureRate + silenceRate)
              + ".");
    }
  }
}
