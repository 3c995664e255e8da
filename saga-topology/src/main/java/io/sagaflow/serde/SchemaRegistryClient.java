package io.sagaflow.serde;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * A client for the Confluent Schema Registry REST API, so it works unchanged against Confluent,
 * Karapace, Redpanda, Apicurio's Confluent-compatible API and Sagaflow's embedded registry. Ids and
 * schemas never change once assigned, so they are cached for the client's lifetime; the serdes then
 * hit the network once per schema, not once per record. Thread-safe.
 */
public final class SchemaRegistryClient implements SchemaRegistry {

  private record SubjectSchema(String subject, Schema schema) {}

  private final RegistryTransport transport;
  private final Map<SubjectSchema, Integer> idsBySubjectSchema = new ConcurrentHashMap<>();
  private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();

  public SchemaRegistryClient(RegistryClientSettings settings) {
    this.transport = new RegistryTransport(settings);
  }

  @Override
  public int register(String subject, Schema schema) {
    return idsBySubjectSchema.computeIfAbsent(
        new SubjectSchema(subject, schema),
        key -> {
          int id =
              intIn(
                  transport.send(
                      "POST", "/subjects/" + encode(subject) + "/versions", schemaBody(schema)),
                  "id",
                  "the registration in subject " + subject);
          schemasById.putIfAbsent(id, schema);
          return id;
        });
  }

  @Override
  public int idOf(String subject, Schema schema) {
    return idsBySubjectSchema.computeIfAbsent(
        new SubjectSchema(subject, schema),
        key -> {
          int id =
              intIn(
                  transport.send("POST", "/subjects/" + encode(subject), schemaBody(schema)),
                  "id",
                  "the lookup in subject " + subject);
          schemasById.putIfAbsent(id, schema);
          return id;
        });
  }

  @Override
  public Schema schemaById(int id) {
    return schemasById.computeIfAbsent(
        id,
        key -> {
          String what = "schema id " + id;
          JsonValue answer = transport.send("GET", "/schemas/ids/" + id, null);
          return parse(
              answer
                  .member("schema")
                  .filter(JsonValue.Str.class::isInstance)
                  .map(JsonValue::asText)
                  .orElseThrow(() -> malformed(what, "the string \"schema\"", answer)),
              what);
        });
  }

  @Override
  public RegisteredSchema latest(String subject) {
    JsonValue answer =
        transport.send("GET", "/subjects/" + encode(subject) + "/versions/latest", null);
    String what = "the latest version of subject " + subject;
    int id = intIn(answer, "id", what);
    int version = intIn(answer, "version", what);
    return new RegisteredSchema(subject, version, id, schemaById(id));
  }

  @Override
  public List<String> subjects() {
    JsonValue answer = transport.send("GET", "/subjects", null);
    if (!(answer instanceof JsonValue.Arr subjects)) {
      throw malformed("the list of subjects", "an array", answer);
    }
    return subjects.elements().stream().map(JsonValue::asText).toList();
  }

  @Override
  public CompatibilityResult testCompatibility(String subject, Schema schema) {
    JsonValue answer =
        transport.send(
            "POST",
            "/compatibility/subjects/" + encode(subject) + "/versions/latest?verbose=true",
            schemaBody(schema));
    List<String> messages =
        answer.member("messages").map(JsonValue::elements).orElse(List.of()).stream()
            .map(JsonValue::asText)
            .toList();
    return new CompatibilityResult(
        answer.member("is_compatible").flatMap(JsonValue::asBoolean).orElse(false), messages);
  }

  @Override
  public String compatibility(Optional<String> subject) {
    String path =
        subject.map(s -> "/config/" + encode(s) + "?defaultToGlobal=true").orElse("/config");
    return transport
        .send("GET", path, null)
        .member("compatibilityLevel")
        .map(JsonValue::asText)
        .orElse("");
  }

  @Override
  public void setCompatibility(Optional<String> subject, String level) {
    transport.send(
        "PUT",
        subject.map(s -> "/config/" + encode(s)).orElse("/config"),
        JsonValue.object("compatibility", level));
  }

  @Override
  public String location() {
    java.net.URI url = transport.baseUrl();
    // Messages quote the location; credentials written into the URL must not travel with it.
    return url.getRawUserInfo() == null
        ? url.toString()
        : url.toString().replace(url.getRawUserInfo() + "@", "");
  }

  private static JsonValue schemaBody(Schema schema) {
    return JsonValue.object("schema", schema.toString());
  }

  private int intIn(JsonValue answer, String member, String what) {
    return answer
        .intMember(member)
        .orElseThrow(() -> malformed(what, "the integer \"" + member + "\"", answer));
  }

  /** A 2xx answer without what the API promises: not a Confluent-compatible registry. */
  private SchemaRegistryException malformed(String what, String expected, JsonValue answer) {
    return SchemaRegistryException.notARegistry(
        200,
        "The registry at "
            + transport.baseUrl()
            + " answered for "
            + what
            + " without "
            + expected
            + ": "
            + answer
            + ". Check that it is a Confluent-compatible schema registry.",
        null);
  }

  private Schema parse(String text, String what) {
    try {
      return new Schema.Parser().parse(text);
    } catch (RuntimeException e) {
      throw new SchemaRegistryException(
          200,
          0,
          "The registry at "
              + transport.baseUrl()
              + " returned an unparseable Avro schema for "
              + what
              + ": "
              + e.getMessage(),
          e);
    }
  }

  private static String encode(String subject) {
    return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
