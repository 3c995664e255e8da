package io.sagaflow.connect.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.IndexedRecord;

/**
 * Plain JSON for HTTP services, not Avro's JSON encoding: a union is its value (no {@code
 * {"string": ..}} wrapper), a decimal is a JSON number, a timestamp an ISO-8601 text, a date {@code
 * yyyy-mm-dd}, bytes base64. The way back is checked against the result schema, field by field, so
 * an answer that does not fit the step's result record is named precisely.
 */
final class AvroJson {
  private static final JsonNodeFactory NODES = new JsonNodeFactory(true);

  private AvroJson() {}

  /** The JSON of {@code value}, a datum of {@code schema} as a generic reader gives it. */
  static JsonNode toJson(Object value, Schema schema) {
    if (value == null) {
      return NODES.nullNode();
    }
    LogicalType logical = schema.getLogicalType();
    switch (schema.getType()) {
      case RECORD:
        IndexedRecord record = (IndexedRecord) value;
        ObjectNode object = NODES.objectNode();
        for (Schema.Field field : schema.getFields()) {
          object.set(field.name(), toJson(record.get(field.pos()), field.schema()));
        }
        return object;
      case UNION:
        return toJson(value, schema.getTypes().get(GenericData.get().resolveUnion(schema, value)));
      case ARRAY:
        ArrayNode array = NODES.arrayNode();
        for (Object item : (Collection<?>) value) {
          array.add(toJson(item, schema.getElementType()));
        }
        return array;
      case MAP:
        ObjectNode map = NODES.objectNode();
        for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
          map.set(entry.getKey().toString(), toJson(entry.getValue(), schema.getValueType()));
        }
        return map;
      case BYTES:
      case FIXED:
        byte[] bytes = bytesOf(value);
        if (logical instanceof LogicalTypes.Decimal decimal) {
          return value instanceof BigDecimal big
              ? NODES.numberNode(big)
              : NODES.numberNode(new BigDecimal(new BigInteger(bytes), decimal.getScale()));
        }
        return NODES.textNode(Base64.getEncoder().encodeToString(bytes));
      case INT:
        if (logical instanceof LogicalTypes.Date) {
          return NODES.textNode(
              value instanceof LocalDate date
                  ? date.toString()
                  : LocalDate.ofEpochDay(((Number) value).longValue()).toString());
        }
        return NODES.numberNode(((Number) value).intValue());
      case LONG:
        if (value instanceof Instant instant) {
          return NODES.textNode(instant.toString());
        }
        if (logical instanceof LogicalTypes.TimestampMillis) {
          return NODES.textNode(Instant.ofEpochMilli((Long) value).toString());
        }
        if (logical instanceof LogicalTypes.TimestampMicros) {
          return NODES.textNode(Instant.EPOCH.plus((Long) value, ChronoUnit.MICROS).toString());
        }
        return NODES.numberNode(((Number) value).longValue());
      case FLOAT:
        return NODES.numberNode(((Number) value).floatValue());
      case DOUBLE:
        return NODES.numberNode(((Number) value).doubleValue());
      case BOOLEAN:
        return NODES.booleanNode((Boolean) value);
      case NULL:
        return NODES.nullNode();
      case ENUM:
      case STRING:
      default:
        return NODES.textNode(value.toString());
    }
  }

  /**
   * The generic datum of {@code schema} that {@code json} describes.
   *
   * @throws IllegalArgumentException naming the first field that does not fit
   */
  static Object fromJson(JsonNode json, Schema schema) {
    return fromJson(json, schema, schema.getName());
  }

  private static Object fromJson(JsonNode json, Schema schema, String path) {
    LogicalType logical = schema.getLogicalType();
    switch (schema.getType()) {
      case RECORD:
        if (!json.isObject()) {
          throw mismatch(path, "an object", json);
        }
        GenericData.Record record = new GenericData.Record(schema);
        for (Schema.Field field : schema.getFields()) {
          JsonNode member = json.get(field.name());
          if (member == null && field.hasDefaultValue()) {
            record.put(field.pos(), GenericData.get().getDefaultValue(field));
          } else if (member == null) {
            throw new IllegalArgumentException(path + "." + field.name() + " is missing");
          } else {
            record.put(field.pos(), fromJson(member, field.schema(), path + "." + field.name()));
          }
        }
        return record;
      case UNION:
        return fromUnion(json, schema, path);
      case ARRAY:
        if (!json.isArray()) {
          throw mismatch(path, "an array", json);
        }
        List<Object> items = new ArrayList<>();
        for (int i = 0; i < json.size(); i++) {
          items.add(fromJson(json.get(i), schema.getElementType(), path + "[" + i + "]"));
        }
        return new GenericData.Array<>(schema, items);
      case MAP:
        if (!json.isObject()) {
          throw mismatch(path, "an object", json);
        }
        Map<String, Object> map = new HashMap<>();
        for (Map.Entry<String, JsonNode> entry : json.properties()) {
          map.put(
              entry.getKey(),
              fromJson(entry.getValue(), schema.getValueType(), path + "." + entry.getKey()));
        }
        return map;
      case ENUM:
        if (!json.isTextual() || !schema.getEnumSymbols().contains(json.asText())) {
          throw mismatch(path, "one of " + schema.getEnumSymbols(), json);
        }
        return new GenericData.EnumSymbol(schema, json.asText());
      case STRING:
        if (!json.isTextual()) {
          throw mismatch(path, "a string", json);
        }
        return json.asText();
      case BYTES:
      case FIXED:
        byte[] bytes = bytesFromJson(json, logical, path);
        return schema.getType() == Schema.Type.FIXED
            ? new GenericData.Fixed(schema, bytes)
            : ByteBuffer.wrap(bytes);
      case INT:
        if (logical instanceof LogicalTypes.Date && json.isTextual()) {
          return (int) LocalDate.parse(json.asText()).toEpochDay();
        }
        if (!json.isIntegralNumber() || !json.canConvertToInt()) {
          throw mismatch(path, "a whole number (int)", json);
        }
        return json.intValue();
      case LONG:
        if (json.isTextual() && logical instanceof LogicalTypes.TimestampMillis) {
          return Instant.parse(json.asText()).toEpochMilli();
        }
        if (json.isTextual() && logical instanceof LogicalTypes.TimestampMicros) {
          return ChronoUnit.MICROS.between(Instant.EPOCH, Instant.parse(json.asText()));
        }
        if (!json.isIntegralNumber() || !json.canConvertToLong()) {
          throw mismatch(path, "a whole number (long)", json);
        }
        return json.longValue();
      case FLOAT:
        if (!json.isNumber()) {
          throw mismatch(path, "a number", json);
        }
        return json.floatValue();
      case DOUBLE:
        if (!json.isNumber()) {
          throw mismatch(path, "a number", json);
        }
        return json.doubleValue();
      case BOOLEAN:
        if (!json.isBoolean()) {
          throw mismatch(path, "true or false", json);
        }
        return json.booleanValue();
      case NULL:
      default:
        if (!json.isNull()) {
          throw mismatch(path, "null", json);
        }
        return null;
    }
  }

  private static Object fromUnion(JsonNode json, Schema union, String path) {
    if (json.isNull()) {
      if (union.getTypes().stream().anyMatch(t -> t.getType() == Schema.Type.NULL)) {
        return null;
      }
      throw mismatch(path, "a value (the field is not nullable)", json);
    }
    List<String> misses = new ArrayList<>();
    for (Schema branch : union.getTypes()) {
      if (branch.getType() == Schema.Type.NULL) {
        continue;
      }
      try {
        return fromJson(json, branch, path);
      } catch (IllegalArgumentException e) {
        misses.add(e.getMessage());
      }
    }
    throw new IllegalArgumentException(path + " fits no branch of its union: " + misses);
  }

  private static byte[] bytesFromJson(JsonNode json, LogicalType logical, String path) {
    if (logical instanceof LogicalTypes.Decimal decimal) {
      BigDecimal value;
      try {
        value = json.isNumber() ? json.decimalValue() : new BigDecimal(json.asText());
        value = value.setScale(decimal.getScale(), RoundingMode.UNNECESSARY);
      } catch (NumberFormatException | ArithmeticException e) {
        throw mismatch(path, "a decimal with at most " + decimal.getScale() + " places", json);
      }
      return value.unscaledValue().toByteArray();
    }
    if (!json.isTextual()) {
      throw mismatch(path, "base64 text", json);
    }
    try {
      return Base64.getDecoder().decode(json.asText());
    } catch (IllegalArgumentException e) {
      throw mismatch(path, "base64 text", json);
    }
  }

  private static byte[] bytesOf(Object value) {
    if (value instanceof ByteBuffer buffer) {
      ByteBuffer copy = buffer.duplicate();
      byte[] out = new byte[copy.remaining()];
      copy.get(out);
      return out;
    }
    if (value instanceof GenericFixed fixed) {
      return fixed.bytes();
    }
    if (value instanceof BigDecimal decimal) {
      return decimal.unscaledValue().toByteArray();
    }
    return (byte[]) value;
  }

  private static IllegalArgumentException mismatch(String path, String expected, JsonNode json) {
    return new IllegalArgumentException(
        path
            + " must be "
            + expected
            + ", got "
            + json.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
  }
}
