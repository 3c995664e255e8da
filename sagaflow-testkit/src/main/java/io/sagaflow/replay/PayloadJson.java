package io.sagaflow.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * The JSON shape of a {@link Payload}: {@code {"avro": type, "value": {...}}} for a record, {@code
 * {"utf8": text}} for bytes that are printable UTF-8, {@code {"base64": text}} for other bytes, and
 * {@code null} for a tombstone.
 */
final class PayloadJson {
  static final String AVRO = "avro";
  static final String VALUE = "value";
  static final String UTF8 = "utf8";
  static final String BASE64 = "base64";

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private PayloadJson() {}

  static JsonNode toJson(Payload payload) {
    if (payload instanceof Payload.Avro avro) {
      return NODES.objectNode().put(AVRO, avro.type()).set(VALUE, avro.value());
    }
    if (payload instanceof Payload.Raw raw) {
      return bytes(NODES.objectNode(), raw.bytes());
    }
    return NODES.nullNode();
  }

  /** Writes {@code bytes} into {@code node} as {@code utf8} when printable, else {@code base64}. */
  static ObjectNode bytes(ObjectNode node, byte[] bytes) {
    Optional<String> text = printable(bytes);
    if (text.isPresent()) {
      return node.put(UTF8, text.get());
    }
    return node.put(BASE64, Base64.getEncoder().encodeToString(bytes));
  }

  static Payload fromJson(JsonNode node, String pointer) {
    if (node == null || node.isNull()) {
      return new Payload.Tombstone();
    }
    if (!node.isObject()) {
      throw new FixtureFormatException(
          pointer,
          "a value must be an object {\"avro\": ..., \"value\": ...}, {\"utf8\": ...},"
              + " {\"base64\": ...} or null, not "
              + node.getNodeType());
    }
    if (node.has(AVRO)) {
      if (!node.get(AVRO).isTextual() || !node.has(VALUE)) {
        throw new FixtureFormatException(
            pointer, "an Avro value needs \"avro\" (the generated class name) and \"value\"");
      }
      return new Payload.Avro(node.get(AVRO).asText(), node.get(VALUE));
    }
    return new Payload.Raw(bytes(node, pointer));
  }

  /** The bytes of a {@code {"utf8": ..}} or {@code {"base64": ..}} object. */
  static byte[] bytes(JsonNode node, String pointer) {
    if (node.has(UTF8) && node.get(UTF8).isTextual()) {
      return node.get(UTF8).asText().getBytes(StandardCharsets.UTF_8);
    }
    if (node.has(BASE64) && node.get(BASE64).isTextual()) {
      try {
        return Base64.getDecoder().decode(node.get(BASE64).asText());
      } catch (IllegalArgumentException e) {
        throw new FixtureFormatException(
            pointer + "/" + BASE64, "not valid base64: " + e.getMessage());
      }
    }
    throw new FixtureFormatException(
        pointer,
        "expected {\"avro\": ..., \"value\": ...}, {\"utf8\": \"text\"} or {\"base64\": \"...\"}");
  }

  /** The bytes as text if they are valid UTF-8 without control characters other than newline. */
  static Optional<String> printable(byte[] bytes) {
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
    } catch (CharacterCodingException e) {
      // Not text: the caller shows the bytes as base64 instead.
      return Optional.empty();
    }
    boolean control = text.chars().anyMatch(c -> c < 0x20 && c != '\n' && c != '\t');
    return control ? Optional.empty() : Optional.of(text);
  }
}
