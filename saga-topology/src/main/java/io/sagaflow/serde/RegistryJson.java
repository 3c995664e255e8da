package io.sagaflow.serde;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict JSON (RFC 8259) reader for the Schema Registry's small REST bodies; {@link JsonValue} is
 * the writer. With both, the library needs no JSON library. Strict means one value per text and
 * nothing the RFC leaves out: no comments, single quotes, unquoted or duplicate member names,
 * trailing commas, leading zeros, unpaired surrogate escapes or numbers beyond a double's range.
 * Malformed text fails with {@link MalformedJsonException}, which says at which offset and what was
 * expected there.
 */
final class RegistryJson {

  /** Far deeper than any registry body; bounds the recursion on hostile input. */
  static final int MAX_DEPTH = 64;

  private final String text;
  private int pos;

  private RegistryJson(String text) {
    this.text = text;
  }

  /** Reads exactly one JSON value, with optional whitespace around it. */
  static JsonValue parse(String text) {
    RegistryJson reader = new RegistryJson(text);
    JsonValue value = reader.value(0);
    reader.skipWhitespace();
    if (reader.pos < text.length()) {
      throw reader.error("unexpected " + reader.next() + " after the JSON value");
    }
    return value;
  }

  private JsonValue value(int depth) {
    skipWhitespace();
    char c = peek();
    return switch (c) {
      case '{' -> object(depth + 1);
      case '[' -> array(depth + 1);
      case '"' -> new JsonValue.Str(string());
      case 't' -> literal("true", new JsonValue.Bool(true));
      case 'f' -> literal("false", new JsonValue.Bool(false));
      case 'n' -> literal("null", new JsonValue.Null());
      default -> {
        if (c == '-' || isDigit(c)) {
          yield number();
        }
        throw error("expected a value but found " + next());
      }
    };
  }

  private JsonValue object(int depth) {
    enter(depth);
    Map<String, JsonValue> members = new LinkedHashMap<>();
    if (consumeAfterWhitespace('}')) {
      return new JsonValue.Obj(members);
    }
    while (true) {
      skipWhitespace();
      int nameAt = pos;
      if (peek() != '"') {
        throw error("expected a member name in double quotes but found " + next());
      }
      String name = string();
      if (members.containsKey(name)) {
        throw new MalformedJsonException(nameAt, "duplicate member name " + JsonValue.quote(name));
      }
      if (!consumeAfterWhitespace(':')) {
        throw error(
            "expected ':' after member name " + JsonValue.quote(name) + " but found " + next());
      }
      members.put(name, value(depth));
      if (consumeAfterWhitespace('}')) {
        return new JsonValue.Obj(members);
      }
      if (!consume(',')) {
        throw error(
            "expected ',' or '}' after member " + JsonValue.quote(name) + " but found " + next());
      }
    }
  }

  private JsonValue array(int depth) {
    enter(depth);
    List<JsonValue> values = new ArrayList<>();
    if (consumeAfterWhitespace(']')) {
      return new JsonValue.Arr(values);
    }
    while (true) {
      values.add(value(depth));
      if (consumeAfterWhitespace(']')) {
        return new JsonValue.Arr(values);
      }
      if (!consume(',')) {
        throw error("expected ',' or ']' after array element but found " + next());
      }
    }
  }

  /**
   * Consumes the opening bracket at {@code pos}, refusing to nest deeper than {@link #MAX_DEPTH}.
   */
  private void enter(int depth) {
    if (depth > MAX_DEPTH) {
      throw error("nested deeper than " + MAX_DEPTH + " levels");
    }
    pos++;
  }

  private String string() {
    int start = pos++;
    StringBuilder out = new StringBuilder();
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c == '"') {
        pos++;
        return out.toString();
      }
      if (c == '\\') {
        escape(out);
      } else if (c < 0x20) {
        throw error(String.format("control character U+%04X must be escaped in a string", (int) c));
      } else {
        out.append(c);
        pos++;
      }
    }
    throw error("unterminated string that starts at offset " + start);
  }

  /** Reads the escape sequence at {@code pos} (a backslash) into {@code out}. */
  private void escape(StringBuilder out) {
    int at = pos++;
    if (pos >= text.length()) {
      throw error("unterminated escape sequence");
    }
    char c = text.charAt(pos++);
    switch (c) {
      case '"', '\\', '/' -> out.append(c);
      case 'b' -> out.append('\b');
      case 'f' -> out.append('\f');
      case 'n' -> out.append('\n');
      case 'r' -> out.append('\r');
      case 't' -> out.append('\t');
      case 'u' -> {
        char unit = hex4(at);
        if (Character.isLowSurrogate(unit)) {
          throw new MalformedJsonException(at, "unpaired surrogate " + escaped(unit));
        }
        out.append(unit);
        if (Character.isHighSurrogate(unit)) {
          int lowAt = pos;
          char low = consume('\\') && consume('u') ? hex4(lowAt) : 0;
          if (!Character.isLowSurrogate(low)) {
            throw new MalformedJsonException(
                lowAt,
                "high surrogate " + escaped(unit) + " is not followed by a \\u low surrogate");
          }
          out.append(low);
        }
      }
      default -> throw new MalformedJsonException(at, "invalid escape sequence \\" + c);
    }
  }

  /** Reads the four hex digits of the unicode escape that starts at {@code at}. */
  private char hex4(int at) {
    if (pos + 4 > text.length()) {
      throw new MalformedJsonException(at, "\\u escape needs four hex digits");
    }
    int unit = 0;
    for (int i = 0; i < 4; i++) {
      int digit = hexDigit(text.charAt(pos + i));
      if (digit < 0) {
        throw new MalformedJsonException(
            at, "\\u escape needs four hex digits, not \"" + text.substring(pos, pos + 4) + "\"");
      }
      unit = unit * 16 + digit;
    }
    pos += 4;
    return (char) unit;
  }

  private JsonValue number() {
    int start = pos;
    consume('-');
    if (consume('0')) {
      if (isDigit(peek())) {
        throw error("leading zeros are not allowed in a number");
      }
    } else {
      digits("after '-'");
    }
    boolean integral = true;
    if (consume('.')) {
      digits("after the decimal point");
      integral = false;
    }
    if (consume('e') || consume('E')) {
      if (!consume('+')) {
        consume('-');
      }
      digits("in the exponent");
      integral = false;
    }
    String literal = text.substring(start, pos);
    if (integral) {
      BigInteger big = new BigInteger(literal);
      if (big.bitLength() < Long.SIZE) {
        return new JsonValue.Num(big.longValue());
      }
    }
    double d = Double.parseDouble(literal);
    if (!Double.isFinite(d)) {
      throw new MalformedJsonException(start, "number " + literal + " is out of range");
    }
    return new JsonValue.Num(d);
  }

  private void digits(String where) {
    if (!isDigit(peek())) {
      throw error("expected a digit " + where + " but found " + next());
    }
    while (isDigit(peek())) {
      pos++;
    }
  }

  private JsonValue literal(String word, JsonValue value) {
    if (!text.startsWith(word, pos)) {
      throw error("expected " + word + " but found " + next());
    }
    pos += word.length();
    return value;
  }

  /** The char at {@code pos}, or NUL at the end of the text (which no caller looks for). */
  private char peek() {
    return pos < text.length() ? text.charAt(pos) : 0;
  }

  private void skipWhitespace() {
    while (pos < text.length() && " \t\n\r".indexOf(text.charAt(pos)) >= 0) {
      pos++;
    }
  }

  private boolean consume(char c) {
    boolean found = pos < text.length() && text.charAt(pos) == c;
    pos += found ? 1 : 0;
    return found;
  }

  private boolean consumeAfterWhitespace(char c) {
    skipWhitespace();
    return consume(c);
  }

  /** What is at {@code pos}, for messages. */
  private String next() {
    if (pos >= text.length()) {
      return "the end of the text";
    }
    char c = text.charAt(pos);
    return c < 0x20 || c == 0x7f ? String.format("U+%04X", (int) c) : "'" + c + "'";
  }

  private MalformedJsonException error(String problem) {
    return new MalformedJsonException(pos, problem);
  }

  private static String escaped(char unit) {
    return String.format("\\u%04X", (int) unit);
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static int hexDigit(char c) {
    return c < 0x80 ? Character.digit(c, 16) : -1;
  }
}
