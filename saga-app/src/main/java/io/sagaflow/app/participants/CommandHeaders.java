package io.sagaflow.app.participants;

import io.sagaflow.engine.CommandKind;
import io.sagaflow.serde.SagaHeaders;
import io.sagaflow.topology.SagaTopics;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The correlation headers of one command, as a participant in any language would read them: no need
 * to decode the payload to know whom to answer.
 *
 * @param sagaId {@code ce_subject}
 * @param commandId {@code ce_id}
 * @param step {@code saga_step}
 * @param attempt {@code saga_attempt}
 * @param kind {@code saga_kind}
 * @param replyTopic {@code saga_reply_topic}, {@code saga.replies} when absent
 */
record CommandHeaders(
    String sagaId, UUID commandId, String step, int attempt, CommandKind kind, String replyTopic) {

  /**
   * Reads the headers of a command.
   *
   * @throws IllegalArgumentException naming the header that is missing or malformed
   */
  static CommandHeaders from(Headers headers) {
    return new CommandHeaders(
        required(headers, SagaHeaders.CE_SUBJECT),
        UUID.fromString(required(headers, SagaHeaders.CE_ID)),
        required(headers, SagaHeaders.SAGA_STEP),
        Integer.parseInt(required(headers, SagaHeaders.SAGA_ATTEMPT)),
        CommandKind.valueOf(required(headers, SagaHeaders.SAGA_KIND)),
        optional(headers, SagaHeaders.SAGA_REPLY_TOPIC).orElse(SagaTopics.REPLIES));
  }

  private static String required(Headers headers, String name) {
    return optional(headers, name)
        .orElseThrow(() -> new IllegalArgumentException("command has no " + name + " header"));
  }

  private static Optional<String> optional(Headers headers, String name) {
    Header header = headers.lastHeader(name);
    return header == null || header.value() == null
        ? Optional.empty()
        : Optional.of(new String(header.value(), StandardCharsets.UTF_8));
  }
}
