package io.sagaflow.topology;

import io.sagaflow.contract.DeadLetterReason;
import io.sagaflow.contract.StepReply;
import io.sagaflow.serde.SagaHeaders;
import java.util.Optional;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Makes sure a reply reaches the partition of its saga. A reply keyed by its saga id goes straight
 * to the coordinator; one keyed otherwise (a participant that forgot to set the key) is written
 * back to the replies topic keyed by its {@code ce_subject} header, so it is processed once, on the
 * right partition, in the same transaction that consumed it.
 */
final class ReplyRouter implements Processor<String, StepReply, String, Object> {
  private final String coordinator;
  private final String rekeySink;
  private ProcessorContext<String, Object> context;

  ReplyRouter(String coordinator, String rekeySink) {
    this.coordinator = coordinator;
    this.rekeySink = rekeySink;
  }

  @Override
  public void init(ProcessorContext<String, Object> context) {
    this.context = context;
  }

  @Override
  public void process(Record<String, StepReply> record) {
    Optional<String> subject = InputMapper.header(record.headers(), SagaHeaders.CE_SUBJECT);
    Optional<String> key = Optional.ofNullable(record.key()).filter(k -> !k.isBlank());
    if (key.isEmpty() && subject.isEmpty()) {
      throw new RejectedInputException(
          DeadLetterReason.VALIDATION_FAILED,
          Optional.empty(),
          "A reply needs the saga id as its key or in the ce_subject header; this one has neither");
    }
    if (subject.isEmpty() || subject.equals(key)) {
      context.forward(record.withValue((Object) record.value()), coordinator);
    } else {
      context.forward(record.withKey(subject.get()).withValue((Object) record.value()), rekeySink);
    }
  }
}
