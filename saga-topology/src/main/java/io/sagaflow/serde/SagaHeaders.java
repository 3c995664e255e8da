package io.sagaflow.serde;

import java.util.List;

/**
 * Kafka header names Sagaflow writes and reads, so participants in any language can route, trace
 * and deduplicate without decoding our records. Follows the CloudEvents Kafka binary binding
 * ({@code ce_*}) plus saga extensions; {@code schemas/asyncapi.yaml} documents each one and a test
 * keeps the two in step.
 */
public final class SagaHeaders {

  /** CloudEvents spec version, always {@value #CE_SPECVERSION_VALUE}. */
  public static final String CE_SPECVERSION = "ce_specversion";

  public static final String CE_SPECVERSION_VALUE = "1.0";

  /** Unique id of the message; for commands the command id a participant deduplicates on. */
  public static final String CE_ID = "ce_id";

  /**
   * Full Avro record name of the value, for example {@code
   * io.sagaflow.examples.order.ReserveInventory}.
   */
  public static final String CE_TYPE = "ce_type";

  /** Producer of the message, {@value #CE_SOURCE_VALUE} for the orchestrator. */
  public static final String CE_SOURCE = "ce_source";

  public static final String CE_SOURCE_VALUE = "sagaflow";

  /** The saga id (equal to the record key). */
  public static final String CE_SUBJECT = "ce_subject";

  /** RFC 3339 time the message was produced. */
  public static final String CE_TIME = "ce_time";

  /** Step name; a participant echoes it in {@code StepReply.step}. */
  public static final String SAGA_STEP = "saga_step";

  /** Attempt number; a participant echoes it in {@code StepReply.attempt}. */
  public static final String SAGA_ATTEMPT = "saga_attempt";

  /** {@code ACTION} or {@code COMPENSATION}. */
  public static final String SAGA_KIND = "saga_kind";

  /** Where the participant sends its {@code StepReply}: {@code saga.replies}. */
  public static final String SAGA_REPLY_TOPIC = "saga_reply_topic";

  /** W3C trace context, so a participant's spans join the saga's trace. */
  public static final String TRACEPARENT = "traceparent";

  /** On saga.dlq: the {@code DeadLetterReason} symbol. */
  public static final String SAGA_DLQ_REASON = "saga_dlq_reason";

  /** On saga.dlq: the sentence an operator reads. */
  public static final String SAGA_DLQ_DETAIL = "saga_dlq_detail";

  /** On saga.dlq: the topic the failed input was read from (the timer store for a timer). */
  public static final String SAGA_DLQ_SOURCE_TOPIC = "saga_dlq_source_topic";

  /** On saga.dlq: the partition the failed input was read from, -1 for a timer. */
  public static final String SAGA_DLQ_SOURCE_PARTITION = "saga_dlq_source_partition";

  /** On saga.dlq: the offset of the failed input, -1 for a timer. */
  public static final String SAGA_DLQ_SOURCE_OFFSET = "saga_dlq_source_offset";

  /**
   * On a dead letter whose input was too large to carry: the input's key and value size in bytes,
   * as decimal text; the original bytes are then absent.
   */
  public static final String SAGA_DLQ_ORIGINAL_OMITTED = "saga_dlq_original_omitted";

  /**
   * On a dead letter whose original value held personal data or secrets: the dotted paths of the
   * tagged fields that were masked in {@code originalValue} (for example {@code
   * data.customerEmail}), or {@code undecodable} when the value could not be decoded to be masked
   * field by field and was left out. Either way the exact input is read again at the {@code
   * saga_dlq_source_*} coordinates.
   */
  public static final String SAGA_DLQ_ORIGINAL_REDACTED = "saga_dlq_original_redacted";

  /**
   * On a dead letter whose value is not the input's value as received (masked or left out): the
   * size in bytes of the value received, as decimal text, so the dead-letter routes still say how
   * much was sent.
   */
  public static final String SAGA_DLQ_ORIGINAL_VALUE_BYTES = "saga_dlq_original_value_bytes";

  /**
   * On saga.requests and saga.replies: the partition an input was first read from, as decimal text,
   * set when the processor moved it to the partition that owns its saga id (its producer
   * partitioned the key otherwise than Kafka's default). A moved input that again arrives on a
   * partition its saga id does not own is dead-lettered instead of moved a second time.
   */
  public static final String SAGA_MOVED_FROM = "saga_moved_from";

  /** Every header above, for documentation checks. */
  public static final List<String> ALL =
      List.of(
          CE_SPECVERSION,
          CE_ID,
          CE_TYPE,
          CE_SOURCE,
          CE_SUBJECT,
          CE_TIME,
          SAGA_STEP,
          SAGA_ATTEMPT,
          SAGA_KIND,
          SAGA_REPLY_TOPIC,
          TRACEPARENT,
          SAGA_DLQ_REASON,
          SAGA_DLQ_DETAIL,
          SAGA_DLQ_SOURCE_TOPIC,
          SAGA_DLQ_SOURCE_PARTITION,
          SAGA_DLQ_SOURCE_OFFSET,
          SAGA_DLQ_ORIGINAL_OMITTED,
          SAGA_DLQ_ORIGINAL_REDACTED,
          SAGA_DLQ_ORIGINAL_VALUE_BYTES,
          SAGA_MOVED_FROM);

  private SagaHeaders() {}
}
