package io.sagaflow.participant;

import io.sagaflow.contract.StepOutcome;
import io.sagaflow.contract.StepReply;
import io.sagaflow.engine.Ids;
import io.sagaflow.serde.AvroSerdeConfig;
import io.sagaflow.serde.AvroSerializer;
import io.sagaflow.serde.SagaHeaders;
import io.sagaflow.serde.SchemaRegistry;
import io.sagaflow.topology.DataCodec;
import io.sagaflow.topology.SagaTopics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.UUID;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Builds replies: the {@code StepReply} fields from the command's headers and the handler's answer,
 * the step result in the nested wire format, and the headers the processor and any reader rely on.
 */
final class ReplyEncoder {
  private final String source;
  private final AvroSerializer<StepReply> replies;
  private final DataCodec results;
  private final AvroSerializer<GenericContainer> genericResults;
  private final Clock clock;

  ReplyEncoder(
      String source,
      AvroSerializer<StepReply> replies,
      DataCodec results,
      AvroSerializer<GenericContainer> genericResults,
      Clock clock) {
    this.source = source;
    this.replies = replies;
    this.results = results;
    this.genericResults = genericResults;
    this.clock = clock;
  }

  /** An encoder over {@code registry}, finding generated result classes through {@code classes}. */
  static ReplyEncoder create(
      String source,
      SchemaRegistry registry,
      boolean autoRegister,
      ClassLoader classes,
      Clock clock) {
    return new ReplyEncoder(
        source,
        SagaTopics.REPLY_RECORDS.serializer(registry, autoRegister),
        new DataCodec(registry, autoRegister, classes),
        new AvroSerializer<>(registry, AvroSerdeConfig.recordName().withAutoRegister(autoRegister)),
        clock);
  }

  StepReply stepReply(CommandContext command, Reply reply) {
    StepReply.Builder built =
        StepReply.newBuilder()
            .setStep(command.step())
            .setAttempt(command.attempt())
            .setCommandId(command.commandId().toString());
    if (reply instanceof Reply.Success success) {
      built
          .setOutcome(StepOutcome.SUCCEEDED)
          .setStepResult(success.result().map(r -> ByteBuffer.wrap(encodeResult(r))).orElse(null));
    } else if (reply instanceof Reply.BusinessFailure failure) {
      built
          .setOutcome(StepOutcome.BUSINESS_FAILURE)
          .setErrorCode(failure.code())
          .setErrorMessage(failure.message());
    } else if (reply instanceof Reply.RetriableFailure failure) {
      built
          .setOutcome(StepOutcome.RETRIABLE_FAILURE)
          .setErrorCode(failure.code())
          .setErrorMessage(failure.message());
    } else {
      throw new IllegalArgumentException(
          "Reply.none() is no reply: there is no StepReply to build for " + command);
    }
    return built.build();
  }

  /**
   * A generated result goes through the codec that nests saga data; a generic one (from a bridge
   * holding only the registry's schema) is written the same way, under its record-name subject.
   */
  private byte[] encodeResult(GenericContainer result) {
    return result instanceof SpecificRecord
        ? results.encode(result)
        : genericResults.serialize(SagaTopics.NESTED_RECORDS.name(), result);
  }

  /**
   * The record of {@code reply} to {@code command}: keyed by the saga id, with {@code ce_subject}
   * saying the same (the processor re-keys a reply by {@code ce_subject} when the two differ).
   */
  ProducerRecord<String, byte[]> record(CommandContext command, StepReply reply) {
    CommandHeaders correlation = command.headers();
    Headers headers = new RecordHeaders();
    put(headers, SagaHeaders.CE_SPECVERSION, SagaHeaders.CE_SPECVERSION_VALUE);
    // Derived from the command id, so a reply sent again (from the ledger) has the same id and a
    // reader that deduplicates on ce_id sees one message.
    put(headers, SagaHeaders.CE_ID, replyId(correlation.commandId()).toString());
    put(headers, SagaHeaders.CE_TYPE, StepReply.getClassSchema().getFullName());
    put(headers, SagaHeaders.CE_SOURCE, source);
    put(headers, SagaHeaders.CE_SUBJECT, correlation.sagaId());
    put(headers, SagaHeaders.CE_TIME, clock.instant().toString());
    put(headers, SagaHeaders.SAGA_STEP, correlation.step());
    put(headers, SagaHeaders.SAGA_ATTEMPT, Integer.toString(correlation.attempt()));
    put(headers, SagaHeaders.SAGA_KIND, correlation.kind().name());
    correlation.traceparent().ifPresent(tp -> put(headers, SagaHeaders.TRACEPARENT, tp));
    return new ProducerRecord<>(
        correlation.replyTopic(),
        null,
        correlation.sagaId(),
        replies.serialize(correlation.replyTopic(), reply),
        headers);
  }

  /** The {@code ce_id} of the reply to {@code commandId}. */
  static UUID replyId(UUID commandId) {
    // The id UUID.nameUUIDFromBytes gives, without its security provider lookup per call.
    return Ids.nameBased(("reply:" + commandId).getBytes(StandardCharsets.UTF_8));
  }

  private static void put(Headers headers, String name, String value) {
    headers.add(name, value.getBytes(StandardCharsets.UTF_8));
  }
}
