package io.sagaflow.participant;

import io.sagaflow.engine.CommandKind;
import io.sagaflow.serde.SagaHeaders;
import io.sagaflow.topology.SagaTopics;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The correlation headers of a command, read without decoding its payload.
 *
 * @param sagaId {@code ce_subject}, or the record key when the header is absent
 * @param commandId {@code ce_id}
 * @param step {@code saga_step}
 * @param attempt {@code saga_attempt}
 * @param kind {@code saga_kind}
 * @param replyTopic {@code saga_reply_topic}, {@code saga.replies} when absent
 * @param traceparent {@code traceparent}, when the saga is traced
 */
record CommandHeaders(
    String sagaId,
    UUID commandId,
    String step,
    int attempt,
    CommandKind kind,
    String replyTopic,
    Optional<String> traceparent) {

  /**
   * Reads the headers of a command keyed {@code key}.
   *
   * @throws PoisonCommandException naming the header that is missing or malformed
   */
  static CommandHeaders read(String key, Headers headers) {
    String sagaId =
        optional(headers, SagaHeaders.CE_SUBJECT)
            .or(() -> Optional.ofNullable(key).filter(k -> !k.isBlank()))
            .orElseThrow(
                () ->
                    PoisonCommandException.invalid(
                        "command has neither a ce_subject header nor a key: no saga id to answer"));
    String id = required(headers, SagaHeaders.CE_ID);
    UUID commandId;
    try {
      commandId = UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      throw PoisonCommandException.invalid("command's ce_id '" + id + "' is not a UUID");
    }
    String attempt = required(headers, SagaHeaders.SAGA_ATTEMPT);
    int attemptNumber;
    try {
      attemptNumber = Integer.parseInt(attempt);
    } catch (NumberFormatException e) {
      throw PoisonCommandException.invalid(
          "command's saga_attempt '" + attempt + "' is not a whole number");
    }
    if (attemptNumber < 1) {
      throw PoisonCommandException.invalid(
          "command's saga_attempt is " + attemptNumber + "; attempts start at 1");
    }
    String kind = required(headers, SagaHeaders.SAGA_KIND);
    CommandKind commandKind;
    try {
      commandKind = CommandKind.valueOf(kind);
    } catch (IllegalArgumentException e) {
      throw PoisonCommandException.invalid(
          "command's saga_kind '" + kind + "' is neither ACTION nor COMPENSATION");
    }
    return new CommandHeaders(
        sagaId,
        commandId,
        required(headers, SagaHeaders.SAGA_STEP),
        attemptNumber,
        commandKind,
        optional(headers, SagaHeaders.SAGA_REPLY_TOPIC).orElse(SagaTopics.REPLIES),
        optional(headers, SagaHeaders.TRACEPARENT));
  }

  private static String required(Headers headers, String name) {
    return optional(headers, name)
        .orElseThrow(() -> PoisonCommandException.invalid("command has no " + name + " header"));
  }

  static Optional<String> optional(Headers headers, String name) {
    Header header = headers.lastHeader(name);
    return header == null || header.value() == null || header.value().length == 0
        ? Optional.empty()
        : Optional.of(new String(header.value(), StandardCharsets.UTF_8));
  }
}
