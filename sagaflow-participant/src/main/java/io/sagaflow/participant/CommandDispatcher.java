package io.sagaflow.participant;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.sagaflow.contract.DeadLetterReason;
import io.sagaflow.contract.StepReply;
import io.sagaflow.serde.AvroDeserializationException;
import io.sagaflow.serde.AvroDeserializer;
import io.sagaflow.topology.SagaLogContext;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one command record becomes: a dead letter when it cannot be read, the ledger's reply when
 * its command id was answered already, else the handler's reply. Writes nothing itself: the loop
 * writes the batch's records together.
 */
final class CommandDispatcher {
  private static final Logger LOG = LoggerFactory.getLogger(CommandDispatcher.class);

  private final String name;
  private final String deadLetterTopic;
  private final AvroDeserializer<SpecificRecord> commands;
  private final ReplyEncoder encoder;
  private final Handlers handlers;
  private final CommandLedger ledger;
  private final DeadLetters deadLetters;
  private final CommandSpans spans;
  private final AtomicLong handled = new AtomicLong();
  private final AtomicLong fromLedger = new AtomicLong();
  private final AtomicLong deadLettered = new AtomicLong();
  private final AtomicLong handlerFailures = new AtomicLong();

  CommandDispatcher(
      String name,
      AvroDeserializer<SpecificRecord> commands,
      ReplyEncoder encoder,
      Handlers handlers,
      CommandLedger ledger,
      DeadLetters deadLetters,
      CommandSpans spans) {
    this.name = name;
    this.spans = spans;
    this.deadLetterTopic = deadLetters.topic();
    this.commands = commands;
    this.encoder = encoder;
    this.handlers = handlers;
    this.ledger = ledger;
    this.deadLetters = deadLetters;
  }

  ParticipantStats stats() {
    return new ParticipantStats(
        handled.get(), fromLedger.get(), deadLettered.get(), handlerFailures.get());
  }

  /**
   * Adds to {@code out} what {@code record} calls for, and to {@code answered} the reply a handler
   * gave, by command id ({@code answered} also holds the batch's earlier replies, not yet in the
   * ledger).
   */
  @SuppressWarnings("try") // the ids are for the MDC the handler's log lines carry
  void dispatch(
      ConsumerRecord<byte[], byte[]> record,
      List<ProducerRecord<byte[], byte[]>> out,
      Map<UUID, StepReply> answered)
      throws InterruptedException {
    CommandHeaders headers;
    SpecificRecord payload;
    CommandHandler<SpecificRecord> handler;
    try {
      headers = CommandHeaders.read(key(record), record.headers());
      payload = decode(record);
      handler = handlers.of(headers.kind(), payload);
    } catch (PoisonCommandException e) {
      deadLettered.incrementAndGet();
      LOG.warn(
          "Participant {} sets aside the record at {}-{}@{} on {}: {}",
          name,
          record.topic(),
          record.partition(),
          record.offset(),
          deadLetterTopic,
          e.getMessage());
      out.add(deadLetters.of(record, e.reason(), e.getMessage()));
      return;
    }
    Span span = spans.start(record.topic(), headers);
    // Current while the handler runs, so its own spans and logs join the saga's trace.
    Scope scope = span.makeCurrent();
    try (SagaLogContext ids = SagaLogContext.ofCurrentSpan()) {
      answer(CommandSpans.joined(headers, span), payload, handler, out, answered, span);
    } finally {
      scope.close();
      span.end();
    }
  }

  private void answer(
      CommandHeaders headers,
      SpecificRecord payload,
      CommandHandler<SpecificRecord> handler,
      List<ProducerRecord<byte[], byte[]>> out,
      Map<UUID, StepReply> answered,
      Span span)
      throws InterruptedException {
    CommandContext context =
        new CommandContext(
            headers, payload.getSchema().getFullName(), encoder, r -> out.add(bytesKeyed(r)));
    Optional<StepReply> known =
        Optional.ofNullable(answered.get(headers.commandId()))
            .or(() -> ledger.find(headers.commandId()));
    if (known.isPresent()) {
      // A redelivery: the reply already given goes out again, in case the first was lost in a
      // crash; the orchestrator drops whichever copy comes second.
      fromLedger.incrementAndGet();
      span.setAttribute(CommandSpans.REDELIVERED, true);
      out.add(bytesKeyed(encoder.record(context, known.get())));
      return;
    }
    handled.incrementAndGet();
    Reply reply = call(handler, payload, context);
    CommandSpans.answered(span, reply);
    if (reply instanceof Reply.NoReply) {
      return;
    }
    StepReply stepReply = encoder.stepReply(context, reply);
    out.add(bytesKeyed(encoder.record(context, stepReply)));
    answered.put(headers.commandId(), stepReply);
  }

  private Reply call(
      CommandHandler<SpecificRecord> handler, SpecificRecord payload, CommandContext context)
      throws InterruptedException {
    try {
      Reply reply = handler.handle(payload, context);
      if (reply == null) {
        throw new IllegalStateException("the handler returned null instead of a Reply");
      }
      return reply;
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      handlerFailures.incrementAndGet();
      LOG.warn(
          "Participant {}: the handler of {} threw; answering RETRIABLE_FAILURE {}",
          name,
          context,
          Participant.HANDLER_FAILED_CODE,
          e);
      // The exception's message may quote the command's personal data: the reply, which ends up
      // in the saga's history, names only its class.
      return Reply.retriableFailure(
          Participant.HANDLER_FAILED_CODE,
          e.getClass().getName() + " in the handler of " + context.commandType());
    }
  }

  private SpecificRecord decode(ConsumerRecord<byte[], byte[]> record) {
    if (record.value() == null) {
      throw PoisonCommandException.invalid("command has no value (a tombstone)");
    }
    try {
      return commands.deserialize(record.topic(), record.value());
    } catch (AvroDeserializationException e) {
      // A registry outage is a SchemaRegistryException instead and ends the loop: the record is
      // not at fault and must not be set aside.
      throw new PoisonCommandException(DeadLetterReason.DESERIALIZATION_FAILED, e.getMessage(), e);
    }
  }

  private static String key(ConsumerRecord<byte[], byte[]> record) {
    return record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
  }

  private static ProducerRecord<byte[], byte[]> bytesKeyed(ProducerRecord<String, byte[]> r) {
    return new ProducerRecord<>(
        r.topic(),
        r.partition(),
        r.timestamp(),
        r.key() == null ? null : r.key().getBytes(StandardCharsets.UTF_8),
        r.value(),
        r.headers());
  }
}
