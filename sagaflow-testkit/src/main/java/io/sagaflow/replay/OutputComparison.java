package io.sagaflow.replay;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Compares one step's expected outputs with the actual ones, byte for byte: the expected value is
 * framed through the same registry that framed the actual one, so equal records give equal bytes
 * and any difference (a field, a schema, a header) shows up. Each difference is described on the
 * decoded form, which is what a person can read.
 */
final class OutputComparison {
  private final PayloadCodec codec;

  OutputComparison(PayloadCodec codec) {
    this.codec = codec;
  }

  List<Mismatch> compare(int step, List<FixtureRecord> expected, List<CapturedRecord> actual) {
    List<Mismatch> out = new ArrayList<>();
    for (int i = 0; i < Math.max(expected.size(), actual.size()); i++) {
      if (i >= expected.size()) {
        FixtureRecord extra = actual.get(i).record();
        out.add(
            new Mismatch(step, i, extra.topic(), List.of("unexpected output: " + render(extra))));
      } else if (i >= actual.size()) {
        FixtureRecord missing = expected.get(i);
        out.add(
            new Mismatch(step, i, missing.topic(), List.of("missing output: " + render(missing))));
      } else {
        String pointer = "/steps/" + step + "/outputs/" + i;
        List<String> differences = differences(expected.get(i), actual.get(i), pointer);
        if (!differences.isEmpty()) {
          out.add(new Mismatch(step, i, expected.get(i).topic(), differences));
        }
      }
    }
    return out;
  }

  private List<String> differences(FixtureRecord expected, CapturedRecord actual, String pointer) {
    FixtureRecord decoded = actual.record();
    List<String> out = new ArrayList<>();
    if (!expected.topic().equals(decoded.topic())) {
      out.add("topic: expected " + expected.topic() + ", actual " + decoded.topic());
    }
    Optional<byte[]> expectedKey = expected.key().map(k -> k.getBytes(StandardCharsets.UTF_8));
    if (!CapturedRecord.same(expectedKey, actual.key())) {
      out.add(
          "key: expected "
              + expected.key().orElse("(none)")
              + ", actual "
              + decoded.key().orElse("(none)"));
    }
    if (!expected.timestamp().equals(decoded.timestamp())) {
      out.add("timestamp: expected " + expected.timestamp() + ", actual " + decoded.timestamp());
    }
    out.addAll(headerDifferences(expected.headers(), decoded.headers()));
    Optional<byte[]> expectedValue = codec.encode(expected.value(), pointer + "/value");
    if (!CapturedRecord.same(expectedValue, actual.value())) {
      List<String> fields =
          JsonDiff.diff(
              "value", PayloadJson.toJson(expected.value()), PayloadJson.toJson(decoded.value()));
      out.addAll(
          fields.isEmpty()
              ? List.of("value bytes differ although the decoded values are equal")
              : fields);
    }
    return out;
  }

  private static List<String> headerDifferences(
      List<FixtureHeader> expected, List<FixtureHeader> actual) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < Math.max(expected.size(), actual.size()); i++) {
      String e = i < expected.size() ? show(expected.get(i)) : "(none)";
      String a = i < actual.size() ? show(actual.get(i)) : "(none)";
      if (!e.equals(a) || (i < expected.size() && !expected.get(i).equals(actual.get(i)))) {
        out.add("header[" + i + "]: expected " + e + ", actual " + a);
      }
    }
    return out;
  }

  private static String show(FixtureHeader header) {
    return header.name()
        + "="
        + header
            .value()
            .map(v -> PayloadJson.printable(v).orElse("base64:" + base64(v)))
            .orElse("(null)");
  }

  private static String base64(byte[] bytes) {
    return java.util.Base64.getEncoder().encodeToString(Arrays.copyOf(bytes, bytes.length));
  }

  private static String render(FixtureRecord record) {
    return FixtureJson.toJson(record).toString();
  }
}
