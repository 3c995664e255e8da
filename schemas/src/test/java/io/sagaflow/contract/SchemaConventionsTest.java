package io.sagaflow.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/**
 * House rules of the contract that Avro itself does not enforce: every type and field is
 * documented, every enum can absorb symbols added later, and no number that could be money is
 * floating point.
 */
class SchemaConventionsTest {

  private final List<Schema> contract =
      List.copyOf(ContractDirectory.load(ContractDirectory.CURRENT).values());

  @Test
  void shouldDocumentEveryNamedTypeAndField() {
    List<String> undocumented = new ArrayList<>();
    visitAll(
        schema -> {
          if (isBlank(schema.getDoc())) {
            undocumented.add(schema.getFullName());
          }
          if (schema.getType() == Schema.Type.RECORD) {
            schema.getFields().stream()
                .filter(field -> isBlank(field.doc()))
                .forEach(field -> undocumented.add(schema.getFullName() + "." + field.name()));
          }
        });

    assertThat(undocumented).as("types and fields without doc").isEmpty();
  }

  @Test
  void shouldGiveEveryEnumADefaultSymbol() {
    List<String> withoutDefault = new ArrayList<>();
    visitAll(
        schema -> {
          if (schema.getType() == Schema.Type.ENUM && schema.getEnumDefault() == null) {
            withoutDefault.add(schema.getFullName());
          }
        });

    assertThat(withoutDefault).as("enums an older reader could not read").isEmpty();
  }

  @Test
  void shouldNeverUseFloatingPoint() {
    List<String> floating = new ArrayList<>();
    visitAll(
        schema -> {
          if (schema.getType() == Schema.Type.RECORD) {
            schema.getFields().stream()
                .filter(field -> containsFloatingPoint(field.schema()))
                .forEach(field -> floating.add(schema.getFullName() + "." + field.name()));
          }
        });

    assertThat(floating).as("fields that must be decimal").isEmpty();
  }

  private void visitAll(java.util.function.Consumer<Schema> visitor) {
    Set<String> seen = new HashSet<>();
    contract.forEach(schema -> visit(schema, visitor, seen));
  }

  private static void visit(
      Schema schema, java.util.function.Consumer<Schema> visitor, Set<String> seen) {
    switch (schema.getType()) {
      case RECORD -> {
        if (seen.add(schema.getFullName())) {
          visitor.accept(schema);
          schema.getFields().forEach(field -> visit(field.schema(), visitor, seen));
        }
      }
      case ENUM, FIXED -> {
        if (seen.add(schema.getFullName())) {
          visitor.accept(schema);
        }
      }
      case ARRAY -> visit(schema.getElementType(), visitor, seen);
      case MAP -> visit(schema.getValueType(), visitor, seen);
      case UNION -> schema.getTypes().forEach(branch -> visit(branch, visitor, seen));
      default -> {}
    }
  }

  private static boolean containsFloatingPoint(Schema schema) {
    return switch (schema.getType()) {
      case FLOAT, DOUBLE -> true;
      case UNION ->
          schema.getTypes().stream().anyMatch(SchemaConventionsTest::containsFloatingPoint);
      case ARRAY -> containsFloatingPoint(schema.getElementType());
      case MAP -> containsFloatingPoint(schema.getValueType());
      default -> false;
    };
  }

  private static boolean isBlank(String text) {
    return text == null || text.isBlank();
  }
}
