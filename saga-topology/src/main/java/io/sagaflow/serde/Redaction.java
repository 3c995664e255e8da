package io.sagaflow.serde;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.IndexedRecord;

/**
 * Turns a record into a loggable map with personal data and secrets masked. The schema is the one
 * source of truth: a field whose schema declaration carries {@code "pii": true} or {@code "secret":
 * true} is replaced by {@value #MASK}, wherever it is nested. Logs, traces, DLQ views, HTTP
 * responses and fixtures all go through here rather than keeping their own lists of sensitive
 * fields.
 */
public final class Redaction {

  /** What a tagged field's value becomes. */
  public static final String MASK = "***";

  /** Field properties that mark a field as sensitive. */
  public static final Set<String> TAGS = Set.of("pii", "secret");

  private Redaction() {}

  /** Whether {@code field} carries one of the {@link #TAGS} set to true. */
  public static boolean isSensitive(Schema.Field field) {
    return TAGS.stream().anyMatch(tag -> Boolean.TRUE.equals(field.getObjectProp(tag)));
  }

  /** Dotted paths of all tagged fields reachable from {@code schema}, for docs and audits. */
  public static Set<String> sensitiveFields(Schema schema) {
    Set<String> paths = new LinkedHashSet<>();
    collect(schema, "", paths, new LinkedHashSet<>());
    return paths;
  }

  /**
   * The record's fields in schema order, tagged ones masked, nested records as maps, arrays as
   * lists, bytes as {@code <n bytes>} (they may hold framed records), other values as their string
   * form.
   */
  public static Map<String, Object> redact(IndexedRecord record) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Schema.Field field : record.getSchema().getFields()) {
      Object value = record.get(field.pos());
      out.put(field.name(), isSensitive(field) && value != null ? MASK : view(value));
    }
    return out;
  }

  private static Object view(Object value) {
    if (value == null) {
      return null;
    }
    if (value instanceof IndexedRecord nested) {
      return redact(nested);
    }
    if (value instanceof Collection<?> items) {
      List<Object> list = new ArrayList<>();
      items.forEach(item -> list.add(view(item)));
      return list;
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> copy = new LinkedHashMap<>();
      map.forEach((k, v) -> copy.put(String.valueOf(k), view(v)));
      return copy;
    }
    if (value instanceof ByteBuffer bytes) {
      return "<" + bytes.remaining() + " bytes>";
    }
    if (value instanceof byte[] bytes) {
      return "<" + bytes.length + " bytes>";
    }
    if (value instanceof Number || value instanceof Boolean) {
      return value;
    }
    if (value instanceof GenericData.EnumSymbol || value instanceof Enum<?>) {
      return value.toString();
    }
    return value.toString();
  }

  private static void collect(Schema schema, String prefix, Set<String> paths, Set<String> seen) {
    switch (schema.getType()) {
      case RECORD -> {
        if (!seen.add(schema.getFullName())) {
          return;
        }
        for (Schema.Field field : schema.getFields()) {
          String path = prefix + field.name();
          if (isSensitive(field)) {
            paths.add(path);
          }
          collect(field.schema(), path + ".", paths, seen);
        }
        seen.remove(schema.getFullName());
      }
      case ARRAY -> collect(schema.getElementType(), prefix, paths, seen);
      case MAP -> collect(schema.getValueType(), prefix, paths, seen);
      case UNION -> schema.getTypes().forEach(branch -> collect(branch, prefix, paths, seen));
      default -> {
        // Primitives and enums have no fields to tag.
      }
    }
  }
}
