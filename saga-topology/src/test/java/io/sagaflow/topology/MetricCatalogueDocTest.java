package io.sagaflow.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** docs/observability.md's metric table and the {@link SagaMetric} catalogue say the same. */
class MetricCatalogueDocTest {
  static final Path DOC = Path.of("..", "docs", "observability.md");
  private static final Pattern ROW =
      Pattern.compile("^\\| `(sagaflow_[a-z_]+)` \\| (\\w+) \\|([^|]*)\\|", Pattern.MULTILINE);

  /** A row of the table: name, type and tags as the doc writes them. */
  record Row(String name, String type, List<String> tags) {}

  static String section(String heading) throws IOException {
    String doc = Files.readString(DOC);
    int start = doc.indexOf("\n## " + heading + "\n");
    assertThat(start).as("section '## %s' in %s", heading, DOC).isNotNegative();
    int end = doc.indexOf("\n## ", start + 1);
    return doc.substring(start, end < 0 ? doc.length() : end);
  }

  static Map<String, Row> documented() throws IOException {
    Matcher m = ROW.matcher(section("Metrics"));
    Map<String, Row> rows = new java.util.TreeMap<>();
    while (m.find()) {
      List<String> tags =
          Arrays.stream(m.group(3).split(","))
              .map(t -> t.strip().replace("`", ""))
              .filter(t -> !t.isEmpty())
              .toList();
      rows.put(m.group(1), new Row(m.group(1), m.group(2), tags));
    }
    return rows;
  }

  private static String docType(SagaMetric.Type type) {
    return switch (type) {
      case COUNTER -> "counter";
      case TIMER -> "timer";
      case GAUGE, TIME_GAUGE -> "gauge";
    };
  }

  @Test
  void shouldDocumentEveryCatalogueEntryWithItsTypeAndTagsAndNothingElse() throws IOException {
    Map<String, Row> documented = documented();
    Map<String, Row> catalogue =
        Arrays.stream(SagaMetric.values())
            .map(m -> new Row(m.prometheusName(), docType(m.type()), m.tags()))
            .collect(Collectors.toMap(Row::name, Function.identity()));

    assertThat(documented).isEqualTo(new java.util.TreeMap<>(catalogue));
  }

  @Test
  void shouldReadTheTableTheWayItIsWritten() throws IOException {
    assertThat(documented().get("sagaflow_step_duration_seconds"))
        .isEqualTo(
            new Row(
                "sagaflow_step_duration_seconds",
                "timer",
                List.of("saga_type", "step", "outcome")));
    assertThat(documented().get("sagaflow_processor_running").tags()).isEmpty();
    assertThat(docType(SagaMetric.Type.TIME_GAUGE).toUpperCase(Locale.ROOT)).isEqualTo("GAUGE");
  }
}
