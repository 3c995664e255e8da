package io.sagaflow.serde;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;

/**
 * A registry in the JVM for TopologyTestDriver tests and fixtures, where HTTP would only add noise.
 * Same id rules as a real registry (one id per distinct schema, shared across subjects) and the
 * BACKWARD / FORWARD / FULL checks against the latest version; anything else behaves like NONE.
 */
public final class InMemorySchemaRegistry implements SchemaRegistry {

  private final Map<String, List<RegisteredSchema>> subjects = new TreeMap<>();
  private final Map<String, Integer> idsBySchema = new HashMap<>();
  private final Map<Integer, Schema> schemasById = new HashMap<>();
  private final Map<String, String> levels = new HashMap<>();
  private String globalLevel = "BACKWARD";

  @Override
  public synchronized int register(String subject, Schema schema) {
    List<RegisteredSchema> versions = subjects.computeIfAbsent(subject, s -> new ArrayList<>());
    for (RegisteredSchema existing : versions) {
      if (existing.schema().equals(schema)) {
        return existing.id();
      }
    }
    CompatibilityResult check = check(subject, schema);
    if (!check.compatible()) {
      throw new SchemaRegistryException(
          409,
          SchemaRegistryException.INCOMPATIBLE_SCHEMA,
          "Schema incompatible with subject '" + subject + "': " + check.messages(),
          null);
    }
    int id = idsBySchema.computeIfAbsent(schema.toString(), s -> idsBySchema.size() + 1);
    schemasById.put(id, schema);
    versions.add(new RegisteredSchema(subject, versions.size() + 1, id, schema));
    return id;
  }

  @Override
  public synchronized int idOf(String subject, Schema schema) {
    return versions(subject).stream()
        .filter(v -> v.schema().equals(schema))
        .findFirst()
        .orElseThrow(
            () ->
                new SchemaRegistryException(
                    404,
                    SchemaRegistryException.SCHEMA_NOT_FOUND,
                    "Schema " + schema.getFullName() + " not registered under '" + subject + "'",
                    null))
        .id();
  }

  @Override
  public synchronized Schema schemaById(int id) {
    Schema schema = schemasById.get(id);
    if (schema == null) {
      throw new SchemaRegistryException(
          404, SchemaRegistryException.SCHEMA_NOT_FOUND, "Schema " + id + " not found", null);
    }
    return schema;
  }

  @Override
  public synchronized RegisteredSchema latest(String subject) {
    List<RegisteredSchema> versions = versions(subject);
    return versions.get(versions.size() - 1);
  }

  @Override
  public synchronized List<String> subjects() {
    return List.copyOf(subjects.keySet());
  }

  @Override
  public synchronized CompatibilityResult testCompatibility(String subject, Schema schema) {
    versions(subject);
    return check(subject, schema);
  }

  @Override
  public synchronized String compatibility(Optional<String> subject) {
    return subject.map(s -> levels.getOrDefault(s, globalLevel)).orElse(globalLevel);
  }

  @Override
  public synchronized void setCompatibility(Optional<String> subject, String level) {
    subject.ifPresentOrElse(s -> levels.put(s, level), () -> globalLevel = level);
  }

  @Override
  public String location() {
    return "the in-memory schema registry";
  }

  private List<RegisteredSchema> versions(String subject) {
    List<RegisteredSchema> versions = subjects.get(subject);
    if (versions == null || versions.isEmpty()) {
      throw new SchemaRegistryException(
          404,
          SchemaRegistryException.SUBJECT_NOT_FOUND,
          "Subject '" + subject + "' not found",
          null);
    }
    return versions;
  }

  private CompatibilityResult check(String subject, Schema candidate) {
    List<RegisteredSchema> versions = subjects.getOrDefault(subject, List.of());
    if (versions.isEmpty()) {
      return new CompatibilityResult(true, List.of());
    }
    Schema latest = versions.get(versions.size() - 1).schema();
    String level = levels.getOrDefault(subject, globalLevel);
    List<String> messages = new ArrayList<>();
    if (level.startsWith("BACKWARD") || level.startsWith("FULL")) {
      messages.addAll(problems(candidate, latest));
    }
    if (level.startsWith("FORWARD") || level.startsWith("FULL")) {
      messages.addAll(problems(latest, candidate));
    }
    return new CompatibilityResult(messages.isEmpty(), messages);
  }

  private static List<String> problems(Schema reader, Schema writer) {
    return SchemaCompatibility.checkReaderWriterCompatibility(reader, writer)
        .getResult()
        .getIncompatibilities()
        .stream()
        .map(i -> i.getType() + " at " + i.getLocation() + " (" + i.getMessage() + ")")
        .toList();
  }
}
