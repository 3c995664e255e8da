package io.sagaflow.serde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
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
              transport
                  .send("POST", "/subjects/" + encode(subject) + "/versions", schemaBody(schema))
                  .get("id")
                  .asInt();
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
              transport
                  .send("POST", "/subjects/" + encode(subject), schemaBody(schema))
                  .get("id")
                  .asInt();
          schemasById.putIfAbsent(id, schema);
          return id;
        });
  }

  @Override
  public Schema schemaById(int id) {
    return schemasById.computeIfAbsent(
        id,
        key ->
            parse(
                transport.send("GET", "/schemas/ids/" + id, null).get("schema").asText(),
                "schema id " + id));
  }

  @Override
  public RegisteredSchema latest(String subject) {
    JsonNode node =
        transport.send("GET", "/subjects/" + encode(subject) + "/versions/latest", null);
    int id = node.get("id").asInt();
    Schema schema = schemaById(id);
    return new RegisteredSchema(subject, node.get("version").asInt(), id, schema);
  }

  @Override
  public List<String> subjects() {
    List<String> subjects = new ArrayList<>();
    transport.send("GET", "/subjects", null).forEach(node -> subjects.add(node.asText()));
    return List.copyOf(subjects);
  }

  @Override
  public CompatibilityResult testCompatibility(String subject, Schema schema) {
    JsonNode node =
        transport.send(
            "POST",
            "/compatibility/subjects/" + encode(subject) + "/versions/latest?verbose=true",
            schemaBody(schema));
    List<String> messages = new ArrayList<>();
    node.path("messages").forEach(m -> messages.add(m.asText()));
    return new CompatibilityResult(node.path("is_compatible").asBoolean(false), messages);
  }

  @Override
  public String compatibility(Optional<String> subject) {
    String path =
        subject.map(s -> "/config/" + encode(s) + "?defaultToGlobal=true").orElse("/config");
    return transport.send("GET", path, null).path("compatibilityLevel").asText();
  }

  @Override
  public void setCompatibility(Optional<String> subject, String level) {
    ObjectNode body = RegistryTransport.JSON.createObjectNode().put("compatibility", level);
    transport.send("PUT", subject.map(s -> "/config/" + encode(s)).orElse("/config"), body);
  }

  private static ObjectNode schemaBody(Schema schema) {
    return RegistryTransport.JSON.createObjectNode().put("schema", schema.toString());
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
