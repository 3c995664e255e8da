package io.sagaflow.api;

import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * What readiness watches besides Kafka Streams' state and the saga-state store: how often stream
 * threads are replaced, and the participants that run in this process, if any.
 *
 * @param threadReplacements counted by the processor's uncaught exception handler (see {@link
 *     StreamThreadReplacements#counting})
 * @param participants the participants running in this process, asked at every readiness check;
 *     empty when none run here
 */
public record HealthSignals(
    StreamThreadReplacements threadReplacements, Supplier<List<ParticipantHealth>> participants) {

  /** Rejects missing parts. */
  public HealthSignals {
    Objects.requireNonNull(threadReplacements, "threadReplacements");
    Objects.requireNonNull(participants, "participants");
  }

  /** Thread replacements only: no participant runs in this process. */
  public static HealthSignals of(StreamThreadReplacements threadReplacements) {
    return new HealthSignals(threadReplacements, List::of);
  }

  /** These signals with {@code value} as the participants running in this process. */
  public HealthSignals withParticipants(Supplier<List<ParticipantHealth>> value) {
    return new HealthSignals(threadReplacements, value);
  }
}
