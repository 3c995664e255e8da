package io.sagaflow.embedded.registry;

import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;

/**
 * Confluent's compatibility levels, checked with Avro's own {@link SchemaCompatibility} so that the
 * registry accepts exactly what Avro's schema resolution can decode.
 */
public enum CompatibilityLevel {
  /** Anything goes: no check at all. */
  NONE(false, false, false),
  /** The new schema reads data written with the latest version (consumers upgrade first). */
  BACKWARD(true, false, false),
  /** Like BACKWARD, against every earlier version. */
  BACKWARD_TRANSITIVE(true, false, true),
  /** The latest version reads data written with the new schema (producers upgrade first). */
  FORWARD(false, true, false),
  /** Like FORWARD, against every earlier version. */
  FORWARD_TRANSITIVE(false, true, true),
  /** Both BACKWARD and FORWARD against the latest version. */
  FULL(true, true, false),
  /** Both BACKWARD and FORWARD against every earlier version. */
  FULL_TRANSITIVE(true, true, true);

  private final boolean backward;
  private final boolean forward;
  private final boolean transitive;

  CompatibilityLevel(boolean backward, boolean forward, boolean transitive) {
    this.backward = backward;
    this.forward = forward;
    this.transitive = transitive;
  }

  /**
   * Why {@code candidate} may not follow {@code existing} (oldest first) under this level; empty
   * when it may. Non-transitive levels look at the last existing schema only.
   */
  public List<String> violations(Schema candidate, List<Schema> existing) {
    List<Schema> compared =
        transitive || existing.isEmpty() ? existing : List.of(existing.get(existing.size() - 1));
    List<String> problems = new ArrayList<>();
    for (Schema previous : compared) {
      if (backward) {
        describe(
            "the new schema cannot read data written with an earlier one",
            candidate,
            previous,
            problems);
      }
      if (forward) {
        describe(
            "an earlier schema cannot read data written with the new one",
            previous,
            candidate,
            problems);
      }
    }
    return problems;
  }

  /** Parses a level as sent over HTTP; the caller maps an unknown name to Confluent's 42203. */
  public static CompatibilityLevel parse(String name) {
    return valueOf(name.trim().toUpperCase(java.util.Locale.ROOT));
  }

  private static void describe(String what, Schema reader, Schema writer, List<String> problems) {
    for (Incompatibility incompatibility :
        SchemaCompatibility.checkReaderWriterCompatibility(reader, writer)
            .getResult()
            .getIncompatibilities()) {
      problems.add(
          what
              + " ("
              + reader.getFullName()
              + "): "
              + incompatibility.getType()
              + " at "
              + incompatibility.getLocation()
              + " ("
              + incompatibility.getMessage()
              + ")");
    }
  }
}
