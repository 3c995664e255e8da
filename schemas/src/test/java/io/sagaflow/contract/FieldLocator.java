package io.sagaflow.contract;

import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaIncompatibilityType;

/**
 * Turns Avro's JSON-pointer location of an incompatibility ({@code /fields/6/type/items/fields/2})
 * into the dotted field path a person recognises ({@code steps.commandId}).
 */
final class FieldLocator {

  private FieldLocator() {}

  static String fieldAt(Schema reader, Incompatibility incompatibility) {
    List<String> path = new ArrayList<>();
    Schema schema = reader;
    String[] tokens = incompatibility.getLocation().split("/", -1);
    for (int i = 1; i < tokens.length; i++) {
      String token = tokens[i];
      if (token.equals("fields")
          && i + 1 < tokens.length
          && schema.getType() == Schema.Type.RECORD) {
        Schema.Field field = schema.getFields().get(Integer.parseInt(tokens[++i]));
        path.add(field.name());
        schema = field.schema();
      } else if (token.equals("items") && schema.getType() == Schema.Type.ARRAY) {
        schema = schema.getElementType();
      } else if (token.equals("values") && schema.getType() == Schema.Type.MAP) {
        schema = schema.getValueType();
      } else if (schema.getType() == Schema.Type.UNION
          && token.chars().allMatch(Character::isDigit)) {
        schema = schema.getTypes().get(Integer.parseInt(token));
      }
    }
    boolean namesNewField =
        incompatibility.getType() == SchemaIncompatibilityType.READER_FIELD_MISSING_DEFAULT_VALUE;
    if (namesNewField
        && (path.isEmpty() || !path.get(path.size() - 1).equals(incompatibility.getMessage()))) {
      // Depending on nesting Avro points at the new field or at its record; the message names it.
      path.add(incompatibility.getMessage());
    }
    return path.isEmpty() ? "(whole record)" : String.join(".", path);
  }
}
