package io.sagaflow.topology;

import io.sagaflow.engine.Outbound;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Names and helpers for the headers Sagaflow reads and writes. Saga metadata follows the
 * CloudEvents Kafka binary binding ({@code ce_*}) plus saga extensions, so a participant in any
 * language correlates a command with its reply from headers alone, without knowing Sagaflow's
 * record types. All values are UTF-8 strings.
 */
public final class SagaHeaders {
  /** CloudEvents spec version, always {@code 1.0}. */
  public static final String SPEC_VERSION = "ce_specversion";
  /** The command id (a name-based UUID of saga id, step, attempt and kind). */
  public static final String ID = "ce_id";
  /** The full name of the record type in the value. */
  public static final String TYPE = "ce_type";
  /** Who produced the record: {@code sagaflow} for everything the orchestrator emits. */
  public static final String SOURCE = "ce_source";
  /** The saga id; also the record key. Replies keyed otherwise are re-keyed by this header. */
  public static final String SUBJECT = "ce_subject";
  /** When the record was produced, RFC 3339. */
  public static final String TIME = "ce_time";
  /** The saga step the command belongs to. */
  public static final String STEP = "saga_step";
  /** The attempt number of the step (1 for the first try). */
  public static final String ATTEMPT = "saga_attempt";
  /** {@code ACTION} or {@code COMPENSATION}. */
  public static final String KIND = "saga_kind";
  /** Where participants send their reply. */
  public static final String REPLY_TOPIC = "saga_reply_topic";
  /** W3C trace context of the saga, copied from its start request. */
  public static final String TRACEPARENT = "traceparent";
  /** Why a record went to the dead-letter topic (a {@code DeadLetterReason} name). */
  public static final String DLQ_REASON = "saga_dlq_reason";
  /** A sentence for the operator explaining the dead letter. */
  public static final String DLQ_DETAIL = "saga_dlq_detail";
  /** Topic, partition and offset the dead letter was read from. */
  public static final String DLQ_SOURCE_TOPIC = "saga_dlq_source_topic";
  /** Partition the dead letter was read from. */
  public static final String DLQ_SOURCE_PARTITION = "saga_dlq_source_partition";
  /** Offset the dead letter was read from. */
  public static final String DLQ_SOURCE_OFFSET = "saga_dlq_source_offset";

  static final String SOURCE_VALUE = "sagaflow";

  private SagaHeaders() {}

  /** The headers of an outbound command or compensation. */
  static Headers forCommand(
      Outbound.Command command, String typeName, String replyTopic, Instant now) {
    Headers headers = new RecordHeaders();
    put(headers, SPEC_VERSION, "1.0");
    put(headers, ID, command.commandId().toString());
    put(headers, TYPE, typeName);
    put(headers, SOURCE, SOURCE_VALUE);
    put(headers, SUBJECT, command.sagaId());
    put(headers, TIME, now.toString());
    put(headers, STEP, command.step());
    put(headers, ATTEMPT, Integer.toString(command.attempt()));
    put(headers, KIND, command.kind().name());
    put(headers, REPLY_TOPIC, replyTopic);
    command.traceparent().ifPresent(tp -> put(headers, TRACEPARENT, tp));
    return headers;
  }

  /** Sets {@code name} to {@code value}, replacing any earlier value. */
  static void put(Headers headers, String name, String value) {
    headers.remove(name);
    headers.add(name, value.getBytes(StandardCharsets.UTF_8));
  }

  /** The last value of header {@code name}, if present and not empty. */
  public static Optional<String> get(Headers headers, String name) {
    Header header = headers.lastHeader(name);
    if (header == null || header.value() == null || header.value().length == 0) {
      return Optional.empty();
    }
    return Optional.of(new String(header.value(), StandardCharsets.UTF_8));
  }
}
