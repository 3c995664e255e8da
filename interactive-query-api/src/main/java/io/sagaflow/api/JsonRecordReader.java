package io.sagaflow.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Reads plain JSON (as people write it) into a generated Avro class and reports every problem at
 * once, each with its JSON pointer: a nullable field is the value or {@code null}, decimals are
 * numbers (the shape the status route answers them in, {@code 42.50}) or, as released first,
 * decimal strings ({@code "42.50"}), timestamps ISO-8601 strings, enums their symbol. Fields with a
 * schema default may be left out; unknown fields are refused so a typo does not pass silently.
 */
final class JsonRecordReader {
  private final List<String> errors = new ArrayList<>();
  private final SpecificData model;

  // The type's own loader: a saga module loaded as a plugin holds its nested record classes, which
  // the default model (Avro's own loader) cannot find.
  private JsonRecordReader(ClassLoader classes) {
    this.model = new SpecificData(classes);
  }

  /**
   * The record of {@code type} that {@code json} describes.
   *
   * @throws ApiProblem 400 listing every mismatch
   */
  static <T extends SpecificRecord> T read(JsonNode json, Class<T> type, String what) {
    JsonRecordReader reader = new JsonRecordReader(type.getClassLoader());
    Object value = reader.value(json, SpecificData.get().getSchema(type), "");
    if (!reader.errors.isEmpty()) {
      throw ApiProblem.of(
          400,
          "invalid-body",
          "Invalid request body",
          what
              + " does not match schema "
              + SpecificData.get().getSchema(type).getFullName()
              + ": "
              + String.join("; ", reader.errors));
    }
    return type.cast(value);
  }

  private Object value(JsonNode json, Schema schema, String pointer) {
    LogicalType logical = schema.getLogicalType();
    if (logical instanceof LogicalTypes.Decimal decimal) {
      return decimal(json, decimal, pointer);
    }
    if (logical instanceof LogicalTypes.TimestampMillis) {
      return timestamp(json, pointer);
    }
    return switch (schema.getType()) {
      case RECORD -> record(json, schema, pointer);
      case UNION -> union(json, schema, pointer);
      case ARRAY -> array(json, schema, pointer);
      case MAP -> map(json, schema, pointer);
      case STRING -> json.isTextual() ? json.textValue() : fail(pointer, "expected a string");
      case ENUM -> enumSymbol(json, schema, pointer);
      case INT ->
          json.isIntegralNumber() && json.canConvertToInt()
              ? json.intValue()
              : fail(pointer, "expected an integer");
      case LONG ->
          json.isIntegralNumber() && json.canConvertToLong()
              ? json.longValue()
              : fail(pointer, "expected an integer");
      case FLOAT -> json.isNumber() ? json.floatValue() : fail(pointer, "expected a number");
      case DOUBLE -> json.isNumber() ? json.doubleValue() : fail(pointer, "expected a number");
      case BOOLEAN ->
          json.isBoolean() ? json.booleanValue() : fail(pointer, "expected true or false");
      case NULL -> json.isNull() ? null : fail(pointer, "expected null");
      default -> fail(pointer, "cannot be set over HTTP (Avro " + schema.getType() + ")");
    };
  }

  private Object record(JsonNode json, Schema schema, String pointer) {
    if (!json.isObject()) {
      return fail(pointer, "expected an object (" + schema.getName() + ")");
    }
    SpecificRecord record = (SpecificRecord) model.newRecord(null, schema);
    for (Schema.Field field : schema.getFields()) {
      String at = pointer + "/" + field.name();
      JsonNode node = json.get(field.name());
      if (node != null) {
        int errorsBefore = errors.size();
        Object value = value(node, field.schema(), at);
        // A failed value is null, which a primitive field of a generated class cannot hold.
        if (errors.size() == errorsBefore) {
          record.put(field.pos(), value);
        }
      } else if (field.hasDefaultValue()) {
        record.put(field.pos(), model.deepCopy(field.schema(), defaultOf(field)));
      } else {
        fail(at, "is required");
      }
    }
    for (Map.Entry<String, JsonNode> e : json.properties()) {
      String name = e.getKey();
      if (schema.getField(name) == null) {
        fail(pointer + "/" + name, "is not a field of " + schema.getName());
      }
    }
    return record;
  }

  private Object defaultOf(Schema.Field field) {
    return model.getDefaultValue(field);
  }

  private Object union(JsonNode json, Schema schema, String pointer) {
    List<Schema> branches = schema.getTypes();
    if (json.isNull() && branches.stream().anyMatch(b -> b.getType() == Schema.Type.NULL)) {
      return null;
    }
    List<Schema> others = branches.stream().filter(b -> b.getType() != Schema.Type.NULL).toList();
    if (others.size() != 1) {
      return fail(pointer, "unions of several types are not supported over HTTP");
    }
    return value(json, others.get(0), pointer);
  }

  private Object array(JsonNode json, Schema schema, String pointer) {
    if (!json.isArray()) {
      return fail(pointer, "expected an array");
    }
    List<Object> items = new ArrayList<>();
    for (int i = 0; i < json.size(); i++) {
      items.add(value(json.get(i), schema.getElementType(), pointer + "/" + i));
    }
    return items;
  }

  private Object map(JsonNode json, Schema schema, String pointer) {
    if (!json.isObject()) {
      return fail(pointer, "expected an object");
    }
    // Sorted, so that equal data encodes to equal bytes whatever order the JSON listed the keys in:
    // the Idempotency-Key check compares starts by a digest of their encoding.
    Map<String, Object> out = new TreeMap<>();
    for (Map.Entry<String, JsonNode> e : json.properties()) {
      out.put(e.getKey(), value(e.getValue(), schema.getValueType(), pointer + "/" + e.getKey()));
    }
    return out;
  }

  private Object enumSymbol(JsonNode json, Schema schema, String pointer) {
    if (!json.isTextual() || !schema.hasEnumSymbol(json.textValue())) {
      return fail(pointer, "expected one of " + schema.getEnumSymbols());
    }
    return model.createEnum(json.textValue(), schema);
  }

  /**
   * A decimal from a JSON number, read exactly (the body reader keeps numbers as {@link
   * BigDecimal}), or from a decimal string. Trailing zeros beyond the scale change no value, so
   * {@code 42.500} is {@code 42.50}; any other digit beyond it would be lost, so it is refused.
   */
  private Object decimal(JsonNode json, LogicalTypes.Decimal decimal, String pointer) {
    BigDecimal value;
    if (json.isNumber()) {
      value = json.decimalValue();
    } else if (json.isTextual()) {
      try {
        value = new BigDecimal(json.textValue().strip());
      } catch (NumberFormatException e) {
        return fail(pointer, "expected a decimal such as 42.50, got '" + json.textValue() + "'");
      }
    } else {
      return fail(pointer, "expected a decimal such as 42.50");
    }
    // Checked on the stripped value before any rescaling, so 1e999999999 is refused at once
    // instead of expanded to a billion digits.
    BigDecimal stripped = value.stripTrailingZeros();
    int integerDigits = stripped.precision() - stripped.scale();
    if (stripped.scale() > decimal.getScale()
        || integerDigits > decimal.getPrecision() - decimal.getScale()) {
      return tooPrecise(decimal, pointer);
    }
    return value.setScale(decimal.getScale(), RoundingMode.UNNECESSARY);
  }

  private Object tooPrecise(LogicalTypes.Decimal decimal, String pointer) {
    return fail(
        pointer,
        "expected at most "
            + decimal.getScale()
            + " decimal places and "
            + decimal.getPrecision()
            + " digits");
  }

  private Object timestamp(JsonNode json, String pointer) {
    try {
      return Instant.parse(json.asText());
    } catch (DateTimeParseException e) {
      return fail(pointer, "expected an ISO-8601 instant such as 2026-01-01T00:00:00Z");
    }
  }

  private Object fail(String pointer, String message) {
    errors.add((pointer.isEmpty() ? "/" : pointer) + " " + message);
    return null;
  }
}
