package io.sagaflow.contract;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;

/**
 * The contract's release gate: every released schema must still be readable by its current twin
 * (BACKWARD: a consumer on the new schema reads everything already written, including restored
 * state). Problems are phrased for the engineer who just edited a {@code .avsc}: which schema,
 * which field, what Avro objects to.
 */
final class CompatibilityGate {

  private CompatibilityGate() {}

  /** One line per breaking change; empty when the current contract may be released. */
  static List<String> breakingChanges(Map<String, Schema> released, Map<String, Schema> current) {
    List<String> problems = new ArrayList<>();
    released.forEach(
        (name, old) -> {
          Schema now = current.get(name);
          if (now == null) {
            problems.add(
                "schema "
                    + name
                    + " was released but is gone from schemas/avro: restore it (consumers and"
                    + " stored state still use it)");
          } else {
            problems.addAll(breakingChanges(old, now));
          }
        });
    return problems;
  }

  /** Whether {@code current} as reader can decode data written with {@code released}. */
  static List<String> breakingChanges(Schema released, Schema current) {
    List<String> problems = new ArrayList<>();
    for (Incompatibility incompatibility :
        SchemaCompatibility.checkReaderWriterCompatibility(current, released)
            .getResult()
            .getIncompatibilities()) {
      problems.add(
          "schema "
              + current.getFullName()
              + ", field '"
              + FieldLocator.fieldAt(current, incompatibility)
              + "': "
              + incompatibility.getType()
              + " ("
              + incompatibility.getMessage()
              + ") at "
              + incompatibility.getLocation()
              + ": not backward compatible with schemas/avro/released; add a default, keep the"
              + " old type, or release a new contract version (docs/contracts.md)");
    }
    return problems;
  }
}
