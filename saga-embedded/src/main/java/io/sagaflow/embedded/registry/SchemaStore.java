package io.sagaflow.embedded.registry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.avro.Schema;

/**
 * The registry's state and rules: subjects with their versions, globally unique schema ids, and
 * compatibility levels. Every change is appended to the {@link SchemaLog} before it becomes
 * visible, and all methods are serialised on this object, so concurrent registrations of one schema
 * get one id.
 */
public final class SchemaStore {

  /** A registered version of a subject. */
  public record SubjectVersion(String subject, int version, int id, String schema) {}

  private final SchemaLog log;
  private final Map<String, List<SubjectVersion>> subjects = new TreeMap<>();
  private final Map<Integer, String> schemasById = new HashMap<>();
  private final Map<String, Integer> idsBySchema = new HashMap<>();
  private final Map<String, CompatibilityLevel> subjectLevels = new HashMap<>();
  private CompatibilityLevel globalLevel = CompatibilityLevel.BACKWARD;
  private int maxId;

  /** Rebuilds the state from everything the log holds. */
  public SchemaStore(SchemaLog log) {
    this.log = log;
    log.replay().forEach(this::apply);
  }

  /** Registers {@code schemaText} under {@code subject}, or returns its existing id there. */
  public synchronized int register(String subject, String schemaText) {
    Schema schema = AvroSchemas.parse(schemaText);
    String canonical = schema.toString();
    List<SubjectVersion> versions = subjects.getOrDefault(subject, List.of());
    for (SubjectVersion existing : versions) {
      if (existing.schema().equals(canonical)) {
        return existing.id();
      }
    }
    List<String> violations = levelOf(subject).violations(schema, parsed(versions));
    if (!violations.isEmpty()) {
      throw incompatible(subject, violations);
    }
    int id = idsBySchema.getOrDefault(canonical, maxId + 1);
    int version = versions.isEmpty() ? 1 : versions.get(versions.size() - 1).version() + 1;
    LogEntry entry = new LogEntry.SchemaRegistered(subject, version, id, canonical);
    log.append(entry);
    apply(entry);
    return id;
  }

  /** The version of {@code subject} that holds {@code schemaText}. */
  public synchronized SubjectVersion lookup(String subject, String schemaText) {
    String canonical = AvroSchemas.parse(schemaText).toString();
    return versionsOf(subject).stream()
        .filter(v -> v.schema().equals(canonical))
        .findFirst()
        .orElseThrow(
            () ->
                new RegistryException(
                    404,
                    RegistryException.SCHEMA_NOT_FOUND,
                    "Schema not found under subject '"
                        + subject
                        + "'. Register it (POST /subjects/"
                        + subject
                        + "/versions) or check that the producer uses the same schema."));
  }

  /** The schema text with global id {@code id}. */
  public synchronized String schemaById(int id) {
    String schema = schemasById.get(id);
    if (schema == null) {
      throw new RegistryException(
          404,
          RegistryException.SCHEMA_NOT_FOUND,
          "Schema "
              + id
              + " not found. The record was written against another registry, or the"
              + " registry's storage topic was lost.");
    }
    return schema;
  }

  public synchronized List<String> subjects() {
    return List.copyOf(subjects.keySet());
  }

  public synchronized List<Integer> versions(String subject) {
    return versionsOf(subject).stream().map(SubjectVersion::version).toList();
  }

  /** {@code version} is a number, or {@code latest} / {@code -1}. */
  public synchronized SubjectVersion version(String subject, String version) {
    List<SubjectVersion> versions = versionsOf(subject);
    if (version.equals("latest") || version.equals("-1")) {
      return versions.get(versions.size() - 1);
    }
    int number = parseVersion(version);
    return versions.stream()
        .filter(v -> v.version() == number)
        .findFirst()
        .orElseThrow(() -> RegistryException.versionNotFound(subject, version));
  }

  /**
   * Why {@code schemaText} may not become the next version of {@code subject}: against {@code
   * latest} under the subject's level, or against one given version.
   */
  public synchronized List<String> compatibilityViolations(
      String subject, String version, String schemaText) {
    Schema schema = AvroSchemas.parse(schemaText);
    List<SubjectVersion> versions = versionsOf(subject);
    List<SubjectVersion> against =
        version.equals("latest") || version.equals("-1")
            ? versions
            : List.of(version(subject, version));
    return levelOf(subject).violations(schema, parsed(against));
  }

  public synchronized CompatibilityLevel globalLevel() {
    return globalLevel;
  }

  public synchronized Optional<CompatibilityLevel> subjectLevel(String subject) {
    return Optional.ofNullable(subjectLevels.get(subject));
  }

  /** Sets the level of {@code subject}, or the global default when empty. */
  public synchronized void setLevel(Optional<String> subject, CompatibilityLevel level) {
    LogEntry entry = new LogEntry.CompatibilitySet(subject, level);
    log.append(entry);
    apply(entry);
  }

  private CompatibilityLevel levelOf(String subject) {
    return subjectLevels.getOrDefault(subject, globalLevel);
  }

  private List<SubjectVersion> versionsOf(String subject) {
    List<SubjectVersion> versions = subjects.get(subject);
    if (versions == null || versions.isEmpty()) {
      throw RegistryException.subjectNotFound(subject);
    }
    return versions;
  }

  private static List<Schema> parsed(List<SubjectVersion> versions) {
    return versions.stream().map(v -> AvroSchemas.parse(v.schema())).toList();
  }

  private static int parseVersion(String version) {
    try {
      int number = Integer.parseInt(version);
      if (number > 0) {
        return number;
      }
    } catch (NumberFormatException e) {
      // Falls through to the same refusal as a non-positive number.
    }
    throw new RegistryException(
        422,
        RegistryException.INVALID_VERSION,
        "The specified version '" + version + "' is not valid: use a positive number or 'latest'.");
  }

  private static RegistryException incompatible(String subject, List<String> violations) {
    return new RegistryException(
        409,
        RegistryException.INCOMPATIBLE_SCHEMA,
        "Schema being registered is incompatible with an earlier schema for subject '"
            + subject
            + "': "
            + String.join("; ", violations)
            + ". Give new fields defaults, keep field types, or change the subject's compatibility"
            + " level (PUT /config/"
            + subject
            + ").");
  }

  private void apply(LogEntry entry) {
    if (entry instanceof LogEntry.SchemaRegistered registered) {
      List<SubjectVersion> versions =
          subjects.computeIfAbsent(registered.subject(), s -> new ArrayList<>());
      versions.removeIf(v -> v.version() == registered.version());
      versions.add(
          new SubjectVersion(
              registered.subject(), registered.version(), registered.id(), registered.schema()));
      versions.sort(java.util.Comparator.comparingInt(SubjectVersion::version));
      schemasById.put(registered.id(), registered.schema());
      idsBySchema.putIfAbsent(registered.schema(), registered.id());
      maxId = Math.max(maxId, registered.id());
    } else if (entry instanceof LogEntry.CompatibilitySet set) {
      set.subject()
          .ifPresentOrElse(s -> subjectLevels.put(s, set.level()), () -> globalLevel = set.level());
    }
  }
}
