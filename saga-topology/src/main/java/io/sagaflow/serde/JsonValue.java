package io.sagaflow.serde;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Collectors;

/**
 * A JSON value of the Schema Registry's REST bodies, read by {@link RegistryJson#parse}, and the
 * writer: its {@code toString()} is its compact JSON text, what is sent as a request body and
 * quoted in error messages. The accessors answer "absent" rather than fail, so that callers decide
 * which parts are required.
 */
sealed interface JsonValue {

  /** An object with the single member {@code name}, such as {@code {"schema":"..."}}. */
  static JsonValue object(String name, String value) {
    return new Obj(Map.of(name, new Str(value)));
  }

  /** {@code s} as a JSON string literal: quotes, backslashes and control characters escaped. */
  static String quote(String s) {
    StringBuilder out = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }

  /** The member {@code name}; empty when it is missing or this value is not an object. */
  default Optional<JsonValue> member(String name) {
    return Optional.empty();
  }

  /** The member {@code name} as an int; empty when it is missing or not an integer within range. */
  default OptionalInt intMember(String name) {
    return member(name).map(JsonValue::asInt).orElse(OptionalInt.empty());
  }

  /** The elements of an array; empty for any other value. */
  default List<JsonValue> elements() {
    return List.of();
  }

  /** A number that is an integer within int's range; empty for anything else. */
  default OptionalInt asInt() {
    return OptionalInt.empty();
  }

  /** The value of {@code true} or {@code false}; empty for anything else. */
  default Optional<Boolean> asBoolean() {
    return Optional.empty();
  }

  /**
   * A string's content, or the JSON text of a number, boolean or null; "" for objects and arrays.
   */
  default String asText() {
    return "";
  }

  /** A JSON object; members keep the order in which they were read or given. */
  record Obj(Map<String, JsonValue> members) implements JsonValue {
    public Obj {
      members = Collections.unmodifiableMap(new LinkedHashMap<>(members));
    }

    @Override
    public Optional<JsonValue> member(String name) {
      return Optional.ofNullable(members.get(name));
    }

    @Override
    public String toString() {
      return members.entrySet().stream()
          .map(m -> JsonValue.quote(m.getKey()) + ":" + m.getValue())
          .collect(Collectors.joining(",", "{", "}"));
    }
  }

  /** A JSON array. */
  record Arr(List<JsonValue> values) implements JsonValue {
    public Arr {
      values = List.copyOf(values);
    }

    @Override
    public List<JsonValue> elements() {
      return values;
    }

    @Override
    public String toString() {
      return values.stream().map(JsonValue::toString).collect(Collectors.joining(",", "[", "]"));
    }
  }

  /** A JSON string. */
  record Str(String value) implements JsonValue {
    @Override
    public String asText() {
      return value;
    }

    @Override
    public String toString() {
      return JsonValue.quote(value);
    }
  }

  /**
   * A JSON number: a {@code Long} when written without fraction or exponent, else a finite {@code
   * Double}.
   */
  record Num(Number value) implements JsonValue {
    public Num {
      if (!(value instanceof Long || (value instanceof Double d && Double.isFinite(d)))) {
        throw new IllegalArgumentException("not a JSON number: " + value);
      }
    }

    @Override
    public OptionalInt asInt() {
      double d = value.doubleValue();
      boolean integral = value instanceof Long || d == Math.rint(d);
      return integral && d >= Integer.MIN_VALUE && d <= Integer.MAX_VALUE
          ? OptionalInt.of(value.intValue())
          : OptionalInt.empty();
    }

    @Override
    public String asText() {
      return value.toString();
    }

    @Override
    public String toString() {
      return asText();
    }
  }

  /** {@code true} or {@code false}. */
  record Bool(boolean value) implements JsonValue {
    @Override
    public Optional<Boolean> asBoolean() {
      return Optional.of(value);
    }

    @Override
    public String asText() {
      return Boolean.toString(value);
    }

    @Override
    public String toString() {
      return asText();
    }
  }

  /** {@code null}. */
  record Null() implements JsonValue {
    @Override
    public String asText() {
      return "null";
    }

    @Override
    public String toString() {
      return asText();
    }
  }
}
