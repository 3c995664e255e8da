package io.sagaflow.connect.http;

import io.sagaflow.participant.CommandContext;
import io.sagaflow.participant.CommandReplies;
import io.sagaflow.serde.AvroDeserializationException;
import io.sagaflow.serde.AvroDeserializer;
import io.sagaflow.serde.SagaHeaders;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * One command made ready for HTTP: decoded through the registry, its correlation read by the
 * participant kit, its body as JSON and its headers per the CloudEvents HTTP binary binding.
 *
 * @param context the correlation, also what builds the reply
 * @param target the participant's URL for this command type
 * @param headers the HTTP request headers
 * @param body the command as JSON
 */
record CommandRequest(
    CommandContext context, URI target, Map<String, String> headers, String body) {

  /** CloudEvents extension attributes: lower-case letters and digits only, hence no separators. */
  static final String STEP_HEADER = "ce-sagastep";

  static final String ATTEMPT_HEADER = "ce-sagaattempt";
  static final String KIND_HEADER = "ce-sagakind";

  /**
   * Reads {@code record}.
   *
   * @throws IllegalArgumentException when it cannot be served: the reason, for the dead letter
   */
  static CommandRequest of(
      SinkRecord record,
      AvroDeserializer<Object> commands,
      CommandReplies replies,
      HttpParticipantConfig config) {
    if (!(record.value() instanceof byte[] bytes)) {
      throw new IllegalArgumentException(
          record.value() == null
              ? "the command has no value (a tombstone)"
              : "the command's value reached the connector as "
                  + record.value().getClass().getSimpleName()
                  + ", not bytes: set value.converter="
                  + "org.apache.kafka.connect.converters.ByteArrayConverter");
    }
    Object decoded;
    try {
      decoded = commands.deserialize(record.topic(), bytes);
    } catch (AvroDeserializationException e) {
      // A registry outage is a SchemaRegistryException instead: the task retries the batch.
      throw new IllegalArgumentException(
          "the command does not decode as Avro in the registry's wire format: " + e.getMessage(),
          e);
    }
    if (!(decoded instanceof GenericRecord command)) {
      throw new IllegalArgumentException("the command is not an Avro record");
    }
    String type = command.getSchema().getFullName();
    URI target =
        config
            .route(type)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "no route for command type "
                            + type
                            + ": add <type>=<URL> to the connector's '"
                            + HttpParticipantConfig.ROUTES_CONFIG
                            + "'"));
    Headers kafkaHeaders = kafkaHeaders(record);
    CommandContext context = replies.context(key(record.key()), kafkaHeaders, type);
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/json");
    headers.put("ce-specversion", SagaHeaders.CE_SPECVERSION_VALUE);
    headers.put("ce-id", context.commandId().toString());
    headers.put("ce-type", type);
    headers.put(
        "ce-source", text(kafkaHeaders, SagaHeaders.CE_SOURCE).orElse(SagaHeaders.CE_SOURCE_VALUE));
    headers.put("ce-subject", context.sagaId());
    text(kafkaHeaders, SagaHeaders.CE_TIME).ifPresent(time -> headers.put("ce-time", time));
    headers.put(STEP_HEADER, context.step());
    headers.put(ATTEMPT_HEADER, Integer.toString(context.attempt()));
    headers.put(KIND_HEADER, context.kind().name());
    context.traceparent().ifPresent(tp -> headers.put("traceparent", tp));
    config.httpToken().ifPresent(token -> headers.put("Authorization", "Bearer " + token));
    String body = AvroJson.toJson(command, command.getSchema()).toString();
    return new CommandRequest(context, target, headers, body);
  }

  /**
   * Connect hands headers over converted: bytes with {@code ByteArrayConverter} as header
   * converter, text or a parsed value with the default one. Back to bytes for the kit either way.
   */
  private static Headers kafkaHeaders(SinkRecord record) {
    Headers headers = new RecordHeaders();
    for (Header header : record.headers()) {
      Object value = header.value();
      if (value == null) {
        continue;
      }
      headers.add(
          header.key(),
          value instanceof byte[] raw ? raw : value.toString().getBytes(StandardCharsets.UTF_8));
    }
    return headers;
  }

  private static String key(Object key) {
    if (key == null) {
      return null;
    }
    return key instanceof byte[] raw ? new String(raw, StandardCharsets.UTF_8) : key.toString();
  }

  private static Optional<String> text(Headers headers, String name) {
    org.apache.kafka.common.header.Header header = headers.lastHeader(name);
    return header == null || header.value() == null
        ? Optional.empty()
        : Optional.of(new String(header.value(), StandardCharsets.UTF_8));
  }

  /** For logs: the command's correlation, never its body or the token. */
  @Override
  public String toString() {
    return context + " to " + target;
  }
}
