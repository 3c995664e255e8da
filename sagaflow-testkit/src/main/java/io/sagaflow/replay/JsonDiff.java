package io.sagaflow.replay;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The differences between two JSON values as {@code path: expected X, actual Y} lines. */
final class JsonDiff {
  private JsonDiff() {}

  static List<String> diff(String path, JsonNode expected, JsonNode actual) {
    List<String> out = new ArrayList<>();
    collect(path, expected, actual, out);
    return out;
  }

  private static void collect(String path, JsonNode expected, JsonNode actual, List<String> out) {
    if (expected.equals(actual)) {
      return;
    }
    if (expected.isObject() && actual.isObject()) {
      Set<String> names = new LinkedHashSet<>();
      expected.fieldNames().forEachRemaining(names::add);
      actual.fieldNames().forEachRemaining(names::add);
      for (String name : names) {
        collect(path + "." + name, orMissing(expected.get(name)), orMissing(actual.get(name)), out);
      }
      return;
    }
    if (expected.isArray() && actual.isArray()) {
      Iterator<JsonNode> e = expected.elements();
      Iterator<JsonNode> a = actual.elements();
      for (int i = 0; e.hasNext() || a.hasNext(); i++) {
        collect(path + "[" + i + "]", next(e), next(a), out);
      }
      return;
    }
    out.add(path + ": expected " + expected + ", actual " + actual);
  }

  private static JsonNode orMissing(JsonNode node) {
    return node == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : node;
  }

  private static JsonNode next(Iterator<JsonNode> it) {
    return it.hasNext() ? it.next() : com.fasterxml.jackson.databind.node.MissingNode.getInstance();
  }
}
