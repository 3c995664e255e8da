package io.sagaflow.chaos;

import io.sagaflow.engine.SagaInput;
import java.time.Instant;
import java.util.Objects;

/**
 * One committed input of a saga, as the processor's coordinator would hand it to the engine.
 *
 * @param topic saga.requests or saga.replies
 * @param partition its partition
 * @param offset its offset there
 * @param timestamp the record's time (for a reply, the participant's clock when it sent it)
 * @param input the engine input it decodes to
 */
record InputRecord(String topic, int partition, long offset, Instant timestamp, SagaInput input) {
  /** Rejects missing parts. */
  InputRecord {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(timestamp, "timestamp");
    Objects.requireNonNull(input, "input");
  }

  /** {@code <topic>-<partition>@<offset>}. */
  String where() {
    return topic + "-" + partition + "@" + offset;
  }

  /** What the input is and where it was read, for a violation's detail. */
  String describe() {
    if (input instanceof SagaInput.StepReply reply) {
      String outcome = reply.outcome().getClass().getSimpleName();
      return "reply " + reply.step() + " #" + reply.attempt() + " " + outcome + " " + where();
    }
    return input.getClass().getSimpleName() + " " + where();
  }
}
