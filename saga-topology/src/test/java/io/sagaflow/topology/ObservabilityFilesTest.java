package io.sagaflow.topology;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboard and the Prometheus rules under observability/ parse, and use only metrics
 * that exist: the {@link SagaMetric} catalogue's, or the binder metrics docs/observability.md
 * lists. Every alert has its runbook section there.
 */
class ObservabilityFilesTest {
  private static final Path DASHBOARD =
      Path.of("..", "observability", "grafana", "sagaflow-dashboard.json");
  private static final Path RULES =
      Path.of("..", "observability", "prometheus", "sagaflow-alerts.yml");
  private static final Pattern METRIC =
      Pattern.compile("\\b((?:sagaflow|kafka|jvm|process|system)_[a-z0-9_]+)\\b");
  private static final Pattern TIMER_SERIES = Pattern.compile("_(bucket|count|sum|max)$");
  private static final Pattern BINDER_ITEM =
      Pattern.compile("^- `([a-z0-9_]+)`$", Pattern.MULTILINE);

  private static List<String> dashboardExpressions() throws IOException {
    JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
    List<String> exprs = new ArrayList<>();
    for (JsonNode panel : dashboard.get("panels")) {
      for (JsonNode target : panel.get("targets")) {
        exprs.add(target.get("expr").asText());
      }
    }
    return exprs;
  }

  private static JsonNode rules() throws IOException {
    return new ObjectMapper(new YAMLFactory()).readTree(RULES.toFile());
  }

  private static List<String> ruleExpressions() throws IOException {
    List<String> exprs = new ArrayList<>();
    for (JsonNode group : rules().get("groups")) {
      for (JsonNode rule : group.get("rules")) {
        exprs.add(rule.get("expr").asText());
      }
    }
    return exprs;
  }

  private static Set<String> metricsIn(List<String> exprs) {
    Set<String> names = new TreeSet<>();
    for (String expr : exprs) {
      Matcher m = METRIC.matcher(expr);
      while (m.find()) {
        names.add(m.group(1));
      }
    }
    return names;
  }

  /** A series name as the catalogue knows it: a timer's {@code _bucket} etc. stripped. */
  private static boolean known(String name, Set<String> binders) {
    if (binders.contains(name)) {
      return true;
    }
    if (SagaMetric.byPrometheusName(name).isPresent()) {
      return true;
    }
    String base = TIMER_SERIES.matcher(name).replaceFirst("");
    return SagaMetric.byPrometheusName(base)
        .filter(m -> m.type() == SagaMetric.Type.TIMER)
        .isPresent();
  }

  private static Set<String> documentedBinders() throws IOException {
    Set<String> names = new TreeSet<>();
    Matcher m = BINDER_ITEM.matcher(MetricCatalogueDocTest.section("Metrics"));
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  @Test
  void shouldUseOnlyMetricsThatExistInTheDashboard() throws IOException {
    List<String> exprs = dashboardExpressions();
    Set<String> binders = documentedBinders();

    assertThat(exprs).hasSizeGreaterThan(10);
    assertThat(metricsIn(exprs))
        .isNotEmpty()
        .allSatisfy(n -> assertThat(known(n, binders)).isTrue());
  }

  @Test
  void shouldUseOnlyMetricsThatExistInTheAlertRules() throws IOException {
    Set<String> used = metricsIn(ruleExpressions());
    Set<String> binders = documentedBinders();

    assertThat(used)
        .contains(
            "sagaflow_sagas",
            "sagaflow_dead_letter_total",
            "sagaflow_step_duration_seconds_bucket",
            "kafka_consumer_fetch_manager_records_lag_max",
            "sagaflow_processor_running")
        .allSatisfy(n -> assertThat(known(n, binders)).as(n).isTrue());
  }

  @Test
  void shouldListOnlyBinderMetricsTheFilesUse() throws IOException {
    List<String> all = new ArrayList<>(dashboardExpressions());
    all.addAll(ruleExpressions());
    Set<String> external = new TreeSet<>(metricsIn(all));
    external.removeIf(n -> n.startsWith("sagaflow_"));

    assertThat(documentedBinders()).isEqualTo(external);
  }

  @Test
  void shouldGiveEveryAlertASeverityAndARunbookSection() throws IOException {
    String runbooks = MetricCatalogueDocTest.section("Dashboards and alerts");
    for (JsonNode group : rules().get("groups")) {
      for (JsonNode rule : group.get("rules")) {
        String alert = rule.get("alert").asText();
        assertThat(rule.at("/labels/severity").asText()).as(alert).isIn("warning", "critical");
        assertThat(runbooks).as(alert).contains("\n### " + alert + "\n");
        assertThat(rule.at("/annotations/runbook").asText())
            .isEqualTo("docs/observability.md#" + alert.toLowerCase(Locale.ROOT));
      }
    }
  }

  @Test
  void shouldRecogniseAnUnknownMetricAsUnknown() throws IOException {
    Set<String> binders = documentedBinders();
    assertThat(known("sagaflow_sagas_started_total", binders)).isTrue();
    assertThat(known("sagaflow_step_duration_seconds_bucket", binders)).isTrue();
    assertThat(known("sagaflow_input_total_bucket", binders)).isFalse();
    assertThat(known("sagaflow_saga_started_total", binders)).isFalse();
    assertThat(known("kafka_stream_alive_stream_threads", binders)).isFalse();
  }
}
