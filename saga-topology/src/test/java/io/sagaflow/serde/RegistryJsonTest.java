package io.sagaflow.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sagaflow.contract.CancelSaga;
import io.sagaflow.serde.JsonValue.Arr;
import io.sagaflow.serde.JsonValue.Bool;
import io.sagaflow.serde.JsonValue.Null;
import io.sagaflow.serde.JsonValue.Num;
import io.sagaflow.serde.JsonValue.Obj;
import io.sagaflow.serde.JsonValue.Str;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The registry bodies' JSON: what is read, what is written, and how malformed text is refused. */
class RegistryJsonTest {

  @Test
  void shouldReadEveryKindOfValueNested() {
    JsonValue value =
        RegistryJson.parse(
            " {\"id\": 7, \"ok\": true, \"no\": false, \"none\": null,"
                + " \"list\": [1, -2.5, \"x\", [], {}], \"inner\": {\"deep\": [{\"e\": 1e3}]}}\n");

    assertThat(value.intMember("id")).hasValue(7);
    assertThat(value.member("ok").flatMap(JsonValue::asBoolean)).contains(true);
    assertThat(value.member("no").flatMap(JsonValue::asBoolean)).contains(false);
    assertThat(value.member("none")).contains(new Null());
    assertThat(value.member("list").map(JsonValue::elements).orElseThrow())
        .containsExactly(
            new Num(1L), new Num(-2.5), new Str("x"), new Arr(List.of()), new Obj(Map.of()));
    assertThat(
            value
                .member("inner")
                .flatMap(i -> i.member("deep"))
                .map(d -> d.elements().get(0))
                .flatMap(e -> e.member("e")))
        .contains(new Num(1000.0));
    assertThat(value.member("missing")).isEmpty();
  }

  @Test
  void shouldWriteCompactJsonThatReadsBackEqual() {
    Map<String, JsonValue> members = new LinkedHashMap<>();
    members.put("schema", new Str("{\"type\":\"string\"}"));
    members.put("n", new Num(-12L));
    members.put("d", new Num(0.5));
    members.put("flags", new Arr(List.of(new Bool(true), new Bool(false), new Null())));
    JsonValue value = new Obj(members);

    assertThat(value)
        .hasToString(
            "{\"schema\":\"{\\\"type\\\":\\\"string\\\"}\",\"n\":-12,\"d\":0.5,"
                + "\"flags\":[true,false,null]}");
    assertThat(RegistryJson.parse(value.toString())).isEqualTo(value);
  }

  @Test
  void shouldEmbedAnAvroSchemaAsAStringThatJacksonReadsBack() throws Exception {
    String schema = CancelSaga.getClassSchema().toString();

    String body = JsonValue.object("schema", schema).toString();

    assertThat(new ObjectMapper().readTree(body).get("schema").asText()).isEqualTo(schema);
    assertThat(
            new Schema.Parser()
                .parse(RegistryJson.parse(body).member("schema").orElseThrow().asText()))
        .isEqualTo(CancelSaga.getClassSchema());
  }

  @Test
  void shouldReadEveryEscape() {
    assertThat(
            RegistryJson.parse("\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u0041 \\u00e9 \\u20AC\"")
                .asText())
        .isEqualTo("\" \\ / \b \f \n \r \t A é €");
  }

  @Test
  void shouldEscapeQuotesBackslashesAndControlCharactersWhenWriting() {
    assertThat(JsonValue.quote("\" \\ / \b \f \n \r \t \u0000 \u001f \u007f é"))
        .isEqualTo("\"\\\" \\\\ / \\b \\f \\n \\r \\t \\u0000 \\u001f \u007f é\"");
  }

  @Test
  void shouldJoinEscapedSurrogatePairsAndKeepRawUnicode() {
    assertThat(RegistryJson.parse("\"\\uD83D\\uDE00\"").asText()).isEqualTo("😀");
    assertThat(RegistryJson.parse("\"😀 日本\"").asText()).isEqualTo("😀 日本");
    assertThat(JsonValue.quote("😀")).isEqualTo("\"😀\"");
  }

  @Property(tries = 300)
  void shouldRoundTripAnyString(@ForAll String text) {
    assertThat(RegistryJson.parse(JsonValue.quote(text)).asText()).isEqualTo(text);
  }

  @Test
  void shouldReadNumbersAsLongWhenIntegralElseDouble() {
    assertThat(RegistryJson.parse("0")).isEqualTo(new Num(0L));
    assertThat(RegistryJson.parse("-0")).isEqualTo(new Num(0L));
    assertThat(RegistryJson.parse("9223372036854775807")).isEqualTo(new Num(Long.MAX_VALUE));
    assertThat(RegistryJson.parse("9223372036854775808"))
        .isEqualTo(new Num(0x1p63)); // 2^63, one past Long.MAX_VALUE
    assertThat(RegistryJson.parse("1.25")).isEqualTo(new Num(1.25));
    assertThat(RegistryJson.parse("-1E2")).isEqualTo(new Num(-100.0));
    assertThat(RegistryJson.parse("2e-1")).isEqualTo(new Num(0.2));
    assertThat(RegistryJson.parse("1E+2")).isEqualTo(new Num(100.0));
    assertThat(RegistryJson.parse("12").asText()).isEqualTo("12");
  }

  @Test
  void shouldGiveIntsOnlyForIntegersWithinRange() {
    assertThat(new Num(40401L).asInt()).hasValue(40401);
    assertThat(new Num(7.0).asInt()).hasValue(7);
    assertThat(new Num(7.5).asInt()).isEmpty();
    assertThat(new Num((long) Integer.MIN_VALUE).asInt()).hasValue(Integer.MIN_VALUE);
    assertThat(new Num(1L + Integer.MAX_VALUE).asInt()).isEmpty();
    assertThat(new Num(-1e10).asInt()).isEmpty();
    assertThat(new Str("7").asInt()).isEmpty();
    assertThat(new Str("7").intMember("id")).isEqualTo(OptionalInt.empty());
  }

  @Test
  void shouldAnswerAbsentForAccessorsThatDoNotApply() {
    JsonValue text = new Str("<html>");

    assertThat(text.member("error_code")).isEmpty();
    assertThat(text.elements()).isEmpty();
    assertThat(text.asBoolean()).isEqualTo(Optional.empty());
    assertThat(new Obj(Map.of("a", new Num(1L))).asText()).isEmpty();
    assertThat(new Arr(List.of(new Num(1L))).asText()).isEmpty();
    assertThat(new Null().asText()).isEqualTo("null");
    assertThat(new Bool(true).asText()).isEqualTo("true");
  }

  @Test
  void shouldRefuseNumbersThatJsonCannotWrite() {
    assertThatThrownBy(() -> new Num(Double.NaN)).hasMessageContaining("not a JSON number");
    assertThatThrownBy(() -> new Num(Double.POSITIVE_INFINITY))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Num(1)).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "``                        | 0  | expected a value but found the end of the text",
        "`   `                     | 3  | expected a value but found the end of the text",
        "{\"id\":7                 | 7  | expected ',' or '}' after member \"id\" but found the end",
        "{\"id\":                  | 6  | expected a value but found the end of the text",
        "[1,2                      | 4  | expected ',' or ']' after array element but found the end",
        "\"abc                     | 4  | unterminated string that starts at offset 0",
        "{\"id\":7} x              | 9  | unexpected 'x' after the JSON value",
        "{\"id\":7}{}              | 8  | unexpected '{' after the JSON value",
        "<html>                    | 0  | expected a value but found '<'",
        "{id:7}                    | 1  | expected a member name in double quotes but found 'i'",
        "{'id':7}                  | 1  | expected a member name in double quotes but found '''",
        "{\"id\" 7}                | 6  | expected ':' after member name \"id\" but found '7'",
        "{\"a\":1,}                | 7  | expected a member name in double quotes but found '}'",
        "[1,]                      | 3  | expected a value but found ']'",
        "{\"a\":1,\"a\":2}         | 7  | duplicate member name \"a\"",
        "\"\\x\"                   | 1  | invalid escape sequence \\x",
        "\"\\                      | 2  | unterminated escape sequence",
        "\"\\u12G4\"               | 1  | \\u escape needs four hex digits, not \"12G4\"",
        "\"\\u12                   | 1  | \\u escape needs four hex digits",
        "\"\\uDE00\"               | 1  | unpaired surrogate \\uDE00",
        "\"\\uD83D\"               | 7  | high surrogate \\uD83D is not followed by a \\u low surrogate",
        "\"\\uD83D\\u0041\"        | 7  | high surrogate \\uD83D is not followed by a \\u low surrogate",
        "\"\\uD83D\\uZZZZ\"        | 7  | \\u escape needs four hex digits, not \"ZZZZ\"",
        "tru                       | 0  | expected true but found 't'",
        "nul                       | 0  | expected null but found 'n'",
        "falsy                     | 0  | expected false but found 'f'",
        "01                        | 1  | leading zeros are not allowed in a number",
        "-                         | 1  | expected a digit after '-' but found the end of the text",
        "1.                        | 2  | expected a digit after the decimal point but found the end",
        "1e                        | 2  | expected a digit in the exponent but found the end",
        "1e999                     | 0  | number 1e999 is out of range",
        "+1                        | 0  | expected a value but found '+'",
        "[NaN]                     | 1  | expected a value but found 'N'",
        "// c                      | 0  | expected a value but found '/'",
      })
  void shouldRefuseMalformedTextSayingWhereAndWhat(String text, int offset, String problem) {
    assertThatThrownBy(() -> RegistryJson.parse(text))
        .isInstanceOfSatisfying(
            MalformedJsonException.class, e -> assertThat(e.offset()).isEqualTo(offset))
        .hasMessageStartingWith("Malformed JSON at offset " + offset + ": " + problem);
  }

  @Test
  void shouldRefuseRawControlCharactersInStrings() {
    assertThatThrownBy(() -> RegistryJson.parse("\"a\nb\""))
        .hasMessage(
            "Malformed JSON at offset 2: control character U+000A must be escaped in a string");
    assertThatThrownBy(() -> RegistryJson.parse("[1]\u0001"))
        .hasMessage("Malformed JSON at offset 3: unexpected U+0001 after the JSON value");
  }

  @Test
  void shouldRefuseNestingBeyondTheLimit() {
    String deep = "[".repeat(RegistryJson.MAX_DEPTH + 1) + "]".repeat(RegistryJson.MAX_DEPTH + 1);

    assertThat(
            RegistryJson.parse(
                "[".repeat(RegistryJson.MAX_DEPTH) + "]".repeat(RegistryJson.MAX_DEPTH)))
        .isInstanceOf(Arr.class);
    assertThatThrownBy(() -> RegistryJson.parse(deep))
        .hasMessage(
            "Malformed JSON at offset "
                + RegistryJson.MAX_DEPTH
                + ": nested deeper than "
                + RegistryJson.MAX_DEPTH
                + " levels");
  }
}
