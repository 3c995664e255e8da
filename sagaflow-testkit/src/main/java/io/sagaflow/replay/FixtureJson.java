package io.sagaflow.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The fixture document, version {@value #FORMAT}: a {@link Fixture} to and from a JSON tree. Every
 * problem is reported with the JSON pointer of the offending value (see docs/replay.md for the
 * format).
 */
final class FixtureJson {
  /** The format marker every fixture file starts with. */
  static final String FORMAT = "sagaflow-fixture/1";

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final Set<String> TOP =
      Set.of(
          "format",
          "name",
          "description",
          "seed",
          "sagaType",
          "definitionVersion",
          "wallClockStart",
          "punctuationIntervalMs",
          "steps");
  private static final Set<String> STEP = Set.of("advanceMs", "input", "outputs");
  private static final Set<String> RECORD = Set.of("topic", "key", "timestamp", "headers", "value");

  private FixtureJson() {}

  static ObjectNode toJson(Fixture fixture) {
    ObjectNode root = NODES.objectNode();
    root.put("format", FORMAT);
    root.put("name", fixture.name());
    root.put("description", fixture.description());
    root.set("seed", fixture.seed().<JsonNode>map(NODES::numberNode).orElse(NODES.nullNode()));
    root.set(
        "sagaType", fixture.sagaType().<JsonNode>map(NODES::textNode).orElse(NODES.nullNode()));
    root.set(
        "definitionVersion",
        fixture.definitionVersion().<JsonNode>map(NODES::numberNode).orElse(NODES.nullNode()));
    root.put("wallClockStart", fixture.wallClockStart().toString());
    root.put("punctuationIntervalMs", fixture.punctuationInterval().toMillis());
    ArrayNode steps = root.putArray("steps");
    for (FixtureStep step : fixture.steps()) {
      ObjectNode node = steps.addObject();
      node.put("advanceMs", step.advance().toMillis());
      step.input().ifPresent(input -> node.set("input", toJson(input)));
      ArrayNode outputs = node.putArray("outputs");
      step.outputs().forEach(out -> outputs.add(toJson(out)));
    }
    return root;
  }

  static ObjectNode toJson(FixtureRecord record) {
    ObjectNode node = NODES.objectNode();
    node.put("topic", record.topic());
    node.set("key", record.key().<JsonNode>map(NODES::textNode).orElse(NODES.nullNode()));
    node.put("timestamp", record.timestamp().toString());
    ArrayNode headers = node.putArray("headers");
    for (FixtureHeader header : record.headers()) {
      ObjectNode h = headers.addObject().put("name", header.name());
      header.value().ifPresent(bytes -> PayloadJson.bytes(h, bytes));
    }
    node.set("value", PayloadJson.toJson(record.value()));
    return node;
  }

  static Fixture fromJson(JsonNode root) {
    object(root, "", TOP);
    String format = text(root, "", "format");
    if (!FORMAT.equals(format)) {
      throw new FixtureFormatException(
          "/format", "unsupported format '" + format + "'; this version reads " + FORMAT);
    }
    JsonNode steps = root.get("steps");
    if (steps == null || !steps.isArray()) {
      throw new FixtureFormatException("/steps", "expected an array of steps");
    }
    List<FixtureStep> parsed = new ArrayList<>();
    for (int i = 0; i < steps.size(); i++) {
      parsed.add(step(steps.get(i), "/steps/" + i));
    }
    long interval = number(root, "", "punctuationIntervalMs");
    if (interval <= 0) {
      throw new FixtureFormatException("/punctuationIntervalMs", "must be positive");
    }
    return new Fixture(
        text(root, "", "name"),
        text(root, "", "description"),
        optional(root, "seed").map(n -> number(root, "", "seed")),
        optional(root, "sagaType").map(n -> text(root, "", "sagaType")),
        optional(root, "definitionVersion").map(n -> (int) number(root, "", "definitionVersion")),
        instant(root, "", "wallClockStart"),
        Duration.ofMillis(interval),
        parsed);
  }

  private static FixtureStep step(JsonNode node, String pointer) {
    object(node, pointer, STEP);
    long advance = number(node, pointer, "advanceMs");
    if (advance < 0) {
      throw new FixtureFormatException(pointer + "/advanceMs", "must not be negative");
    }
    Optional<FixtureRecord> input = optional(node, "input").map(n -> record(n, pointer + "/input"));
    JsonNode outputs = node.get("outputs");
    if (outputs == null || !outputs.isArray()) {
      throw new FixtureFormatException(pointer + "/outputs", "expected an array (may be empty)");
    }
    List<FixtureRecord> records = new ArrayList<>();
    for (int i = 0; i < outputs.size(); i++) {
      records.add(record(outputs.get(i), pointer + "/outputs/" + i));
    }
    return new FixtureStep(Duration.ofMillis(advance), input, records);
  }

  private static FixtureRecord record(JsonNode node, String pointer) {
    object(node, pointer, RECORD);
    JsonNode headers = node.get("headers");
    if (headers == null || !headers.isArray()) {
      throw new FixtureFormatException(pointer + "/headers", "expected an array (may be empty)");
    }
    List<FixtureHeader> parsed = new ArrayList<>();
    for (int i = 0; i < headers.size(); i++) {
      String at = pointer + "/headers/" + i;
      JsonNode header = headers.get(i);
      object(header, at, Set.of("name", PayloadJson.UTF8, PayloadJson.BASE64));
      String name = text(header, at, "name");
      Optional<byte[]> value =
          header.size() == 1 ? Optional.empty() : Optional.of(PayloadJson.bytes(header, at));
      parsed.add(new FixtureHeader(name, value));
    }
    if (!node.has("value")) {
      throw new FixtureFormatException(pointer, "missing \"value\" (null for a tombstone)");
    }
    return new FixtureRecord(
        text(node, pointer, "topic"),
        optional(node, "key").map(n -> text(node, pointer, "key")),
        instant(node, pointer, "timestamp"),
        parsed,
        PayloadJson.fromJson(node.get("value"), pointer + "/value"));
  }

  private static void object(JsonNode node, String pointer, Set<String> allowed) {
    if (node == null || !node.isObject()) {
      throw new FixtureFormatException(pointer, "expected a JSON object");
    }
    node.fieldNames()
        .forEachRemaining(
            name -> {
              if (!allowed.contains(name)) {
                throw new FixtureFormatException(
                    pointer + "/" + name,
                    "unknown field '"
                        + name
                        + "'; allowed here: "
                        + allowed.stream().sorted().toList());
              }
            });
  }

  private static Optional<JsonNode> optional(JsonNode node, String field) {
    return Optional.ofNullable(node.get(field)).filter(n -> !n.isNull());
  }

  private static String text(JsonNode node, String pointer, String field) {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual()) {
      throw new FixtureFormatException(pointer + "/" + field, "expected a string");
    }
    return value.asText();
  }

  private static long number(JsonNode node, String pointer, String field) {
    JsonNode value = node.get(field);
    if (value == null || !value.canConvertToLong() || !value.isIntegralNumber()) {
      throw new FixtureFormatException(pointer + "/" + field, "expected a whole number");
    }
    return value.longValue();
  }

  private static Instant instant(JsonNode node, String pointer, String field) {
    try {
      return Instant.parse(text(node, pointer, field));
    } catch (DateTimeParseException e) {
      throw new FixtureFormatException(
          pointer + "/" + field, "expected an ISO-8601 instant such as 2026-01-01T00:00:00Z");
    }
  }
}
