package io.sagaflow.serde;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;

/**
 * The form in which a schema is registered and looked up: the schema as its {@code .avsc} file
 * states it, without the properties Avro's Java code generator adds for Java alone ({@code
 * avro.java.string: String} on every string with {@code stringType=String}, {@code java-class} and
 * its kin). A registry compares schemas by their text, so with those properties a generated class
 * never matches a schema an operator registered from {@code schemas/avro/*.avsc}, nor one another
 * language's serializer registered. They only tell Java which class to decode into; the reader's
 * own schema (the generated class) decides that, so the registered writer schema does not need
 * them. Confluent's serializers strip the same properties with {@code avro.remove.java.properties}.
 */
public final class RegistrySchemas {

  /** The properties Avro's Java code generator and reflection add for Java alone. */
  public static final Set<String> JAVA_PROPERTIES =
      Set.of("avro.java.string", "java-class", "java-key-class", "java-element-class");

  private RegistrySchemas() {}

  /**
   * {@code schema} without {@link #JAVA_PROPERTIES}, anywhere in it; {@code schema} itself when it
   * has none. Field defaults are left exactly as they are, even where they hold an object with a
   * member of such a name.
   */
  public static Schema normalised(Schema schema) {
    String text = schema.toString();
    if (JAVA_PROPERTIES.stream().noneMatch(text::contains)) {
      return schema;
    }
    String stripped = type(RegistryJson.parse(text)).toString();
    return new Schema.Parser().parse(stripped);
  }

  /**
   * The command that registers every schema Sagaflow and its saga modules look up in {@code
   * registry}, for messages that tell an operator what to run.
   */
  public static String registerCommand(SchemaRegistry registry) {
    String location = registry.location();
    return "`sagaflow schemas register --registry-url "
        + (location.startsWith("http") ? location : "<url>")
        + "` (with --plugin-path naming the saga modules' jars, as for `sagaflow run`)";
  }

  /** A type: a name, a union (array of types) or a type object. */
  private static JsonValue type(JsonValue value) {
    if (value instanceof JsonValue.Arr union) {
      return new JsonValue.Arr(union.elements().stream().map(RegistrySchemas::type).toList());
    }
    if (!(value instanceof JsonValue.Obj object)) {
      return value;
    }
    Map<String, JsonValue> members = new LinkedHashMap<>();
    object
        .members()
        .forEach(
            (name, member) -> {
              if (JAVA_PROPERTIES.contains(name)) {
                return;
              }
              members.put(
                  name,
                  switch (name) {
                    case "items", "values" -> type(member);
                    case "fields" ->
                        new JsonValue.Arr(
                            member.elements().stream().map(RegistrySchemas::field).toList());
                    default -> member;
                  });
            });
    return new JsonValue.Obj(members);
  }

  private static JsonValue field(JsonValue value) {
    if (!(value instanceof JsonValue.Obj field)) {
      return value;
    }
    Map<String, JsonValue> members = new LinkedHashMap<>();
    field
        .members()
        .forEach(
            (name, member) -> {
              if (!JAVA_PROPERTIES.contains(name)) {
                members.put(name, name.equals("type") ? type(member) : member);
              }
            });
    return new JsonValue.Obj(members);
  }
}
