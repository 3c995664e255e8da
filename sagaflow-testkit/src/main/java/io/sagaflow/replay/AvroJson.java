package io.sagaflow.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sagaflow.serde.Redaction;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Converts generated Avro records to the JSON a fixture shows and back. Unlike Avro's own JSON
 * encoding it is written for people: a nullable union is the value or {@code null}, decimals are
 * strings ({@code "42.50"}), timestamps ISO-8601, and a {@code bytes} field that holds a framed
 * record (saga data, step results) is shown decoded through {@link NestedBytes}.
 */
final class AvroJson {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** How {@code bytes} fields are shown and read back. */
  interface NestedBytes {
    JsonNode show(byte[] bytes, boolean redact);

    byte[] read(JsonNode node, String pointer);
  }

  private final NestedBytes nested;
  // Finds generated classes by schema name; saga modules loaded as plugins have loaders of their
  // own.
  private final SpecificData classes;

  AvroJson(NestedBytes nested, ClassLoader classes) {
    this.nested = nested;
    this.classes = new SpecificData(classes);
  }

  /** The JSON of {@code record}; with {@code redact}, tagged text is masked. */
  ObjectNode toJson(SpecificRecord record, boolean redact) {
    return (ObjectNode) show(record, record.getSchema(), redact, false);
  }

  /** A record of generated class {@code type} from its JSON. */
  SpecificRecord fromJson(Class<? extends SpecificRecord> type, JsonNode json, String pointer) {
    Schema schema = classes.getSchema(type);
    return (SpecificRecord) read(json, schema, pointer);
  }

  private JsonNode show(Object value, Schema schema, boolean redact, boolean sensitive) {
    if (value == null) {
      return NODES.nullNode();
    }
    LogicalType logical = schema.getLogicalType();
    if (logical instanceof LogicalTypes.Decimal) {
      return NODES.textNode(((BigDecimal) value).toPlainString());
    }
    if (logical instanceof LogicalTypes.TimestampMillis) {
      return NODES.textNode(((Instant) value).toString());
    }
    return switch (schema.getType()) {
      case RECORD -> showRecord((SpecificRecord) value, schema, redact, sensitive);
      case UNION -> showUnion(value, schema, redact, sensitive);
      case ARRAY -> {
        ArrayNode array = NODES.arrayNode();
        for (Object item : (Collection<?>) value) {
          array.add(show(item, schema.getElementType(), redact, sensitive));
        }
        yield array;
      }
      case STRING -> NODES.textNode(sensitive ? Redaction.MASK : value.toString());
      case ENUM -> NODES.textNode(value.toString());
      case BYTES -> nested.show(copy((ByteBuffer) value), redact);
      case INT -> NODES.numberNode((Integer) value);
      case LONG -> NODES.numberNode((Long) value);
      case FLOAT -> NODES.numberNode((Float) value);
      case DOUBLE -> NODES.numberNode((Double) value);
      case BOOLEAN -> NODES.booleanNode((Boolean) value);
      case NULL -> NODES.nullNode();
      default ->
          throw new IllegalArgumentException(
              "Fixtures do not support Avro " + schema.getType() + " (in " + schema + ")");
    };
  }

  private JsonNode showRecord(
      SpecificRecord record, Schema schema, boolean redact, boolean sensitive) {
    ObjectNode object = NODES.objectNode();
    for (Schema.Field field : schema.getFields()) {
      boolean masked = redact && (sensitive || Redaction.isSensitive(field));
      object.set(field.name(), show(record.get(field.pos()), field.schema(), redact, masked));
    }
    return object;
  }

  private JsonNode showUnion(Object value, Schema schema, boolean redact, boolean sensitive) {
    Schema chosen = schema.getTypes().get(SpecificData.get().resolveUnion(schema, value));
    JsonNode shown = show(value, chosen, redact, sensitive);
    return isNullable(schema) ? shown : NODES.objectNode().set(chosen.getFullName(), shown);
  }

  private Object read(JsonNode json, Schema schema, String pointer) {
    LogicalType logical = schema.getLogicalType();
    if (logical instanceof LogicalTypes.Decimal decimal) {
      try {
        return new BigDecimal(text(json, pointer)).setScale(decimal.getScale());
      } catch (NumberFormatException | ArithmeticException e) {
        throw new FixtureFormatException(
            pointer, "expected a decimal with scale " + decimal.getScale() + " as a string");
      }
    }
    if (logical instanceof LogicalTypes.TimestampMillis) {
      try {
        return Instant.parse(text(json, pointer));
      } catch (DateTimeParseException e) {
        throw new FixtureFormatException(
            pointer, "expected an ISO-8601 instant such as 2026-01-01T00:00:00Z");
      }
    }
    return switch (schema.getType()) {
      case RECORD -> readRecord(json, schema, pointer);
      case UNION -> readUnion(json, schema, pointer);
      case ARRAY -> readArray(json, schema, pointer);
      case STRING -> text(json, pointer);
      case ENUM -> readEnum(json, schema, pointer);
      case BYTES -> ByteBuffer.wrap(nested.read(json, pointer));
      case INT -> number(json, pointer, json.canConvertToInt()).intValue();
      case LONG -> number(json, pointer, json.canConvertToLong()).longValue();
      case FLOAT -> number(json, pointer, true).floatValue();
      case DOUBLE -> number(json, pointer, true).doubleValue();
      case BOOLEAN -> {
        if (!json.isBoolean()) {
          throw new FixtureFormatException(pointer, "expected true or false");
        }
        yield json.booleanValue();
      }
      default ->
          throw new FixtureFormatException(
              pointer, "fixtures do not support Avro " + schema.getType());
    };
  }

  private Object readArray(JsonNode json, Schema schema, String pointer) {
    if (!json.isArray()) {
      throw new FixtureFormatException(pointer, "expected an array of " + schema.getElementType());
    }
    List<Object> items = new ArrayList<>();
    for (int i = 0; i < json.size(); i++) {
      items.add(read(json.get(i), schema.getElementType(), pointer + "/" + i));
    }
    return items;
  }

  private Object readEnum(JsonNode json, Schema schema, String pointer) {
    String symbol = text(json, pointer);
    if (!schema.hasEnumSymbol(symbol)) {
      throw new FixtureFormatException(
          pointer, "'" + symbol + "' is not one of " + schema.getEnumSymbols());
    }
    return classes.createEnum(symbol, schema);
  }

  private Object readRecord(JsonNode json, Schema schema, String pointer) {
    if (!json.isObject()) {
      throw new FixtureFormatException(pointer, "expected an object for " + schema.getFullName());
    }
    Class<?> type = classes.getClass(schema);
    // The generated class's own model knows its logical-type conversions.
    SpecificData model = type == null ? classes : SpecificData.getForClass(type);
    // Instantiated through the loader-aware model: a plugin class's own model cannot see its class.
    SpecificRecord record = (SpecificRecord) classes.newRecord(null, schema);
    for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (schema.getField(name) == null) {
        throw new FixtureFormatException(
            pointer + "/" + name,
            "unknown field '"
                + name
                + "' of "
                + schema.getFullName()
                + "; fields: "
                + schema.getFields().stream().map(Schema.Field::name).toList());
      }
    }
    for (Schema.Field field : schema.getFields()) {
      JsonNode value = json.get(field.name());
      if (value != null) {
        record.put(field.pos(), read(value, field.schema(), pointer + "/" + field.name()));
      } else if (field.hasDefaultValue()) {
        record.put(field.pos(), model.getDefaultValue(field));
      } else {
        throw new FixtureFormatException(
            pointer, "missing field '" + field.name() + "' of " + schema.getFullName());
      }
    }
    return record;
  }

  private Object readUnion(JsonNode json, Schema schema, String pointer) {
    if (json.isNull() && schema.getIndexNamed(Schema.Type.NULL.getName()) != null) {
      return null;
    }
    if (isNullable(schema)) {
      Schema branch =
          schema.getTypes().stream().filter(t -> t.getType() != Schema.Type.NULL).findFirst().get();
      return read(json, branch, pointer);
    }
    if (json.isObject() && json.size() == 1) {
      Map.Entry<String, JsonNode> only = json.properties().iterator().next();
      Integer index = schema.getIndexNamed(only.getKey());
      if (index != null) {
        return read(only.getValue(), schema.getTypes().get(index), pointer + "/" + only.getKey());
      }
    }
    throw new FixtureFormatException(
        pointer, "expected {\"<branch>\": value} with a branch of " + schema.getTypes());
  }

  private static boolean isNullable(Schema union) {
    return union.getTypes().size() == 2
        && union.getTypes().stream().anyMatch(t -> t.getType() == Schema.Type.NULL);
  }

  private static String text(JsonNode json, String pointer) {
    if (!json.isTextual()) {
      throw new FixtureFormatException(pointer, "expected a string, not " + json.getNodeType());
    }
    return json.asText();
  }

  private static Number number(JsonNode json, String pointer, boolean fits) {
    if (!json.isNumber() || !fits) {
      throw new FixtureFormatException(pointer, "expected a number in range, not " + json);
    }
    return json.numberValue();
  }

  private static byte[] copy(ByteBuffer buffer) {
    ByteBuffer view = buffer.duplicate();
    byte[] out = new byte[view.remaining()];
    view.get(out);
    return out;
  }
}
