package io.sagaflow.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.sagaflow.engine.SagaStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Parsing and validation of the search query, and the cursor that pages it. */
class SearchQueryTest {
  private static Map<String, List<String>> params(String... pairs) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      out.computeIfAbsent(pairs[i], k -> new java.util.ArrayList<>()).add(pairs[i + 1]);
    }
    return out;
  }

  private static String rejected(String... pairs) {
    ApiProblem problem =
        (ApiProblem)
            org.assertj.core.api.Assertions.catchThrowable(() -> SearchQuery.parse(params(pairs)));
    assertThat(problem).as("a 400 for %s", List.of(pairs)).isNotNull();
    assertThat(problem.status()).isEqualTo(400);
    return problem.getMessage();
  }

  @Test
  void shouldDefaultToEveryStatusEveryTypeAndFiftyItems() {
    SearchQuery query = SearchQuery.parse(params());

    assertThat(query.statuses()).containsExactly(SagaStatus.values());
    assertThat(query.type()).isEmpty();
    assertThat(query.limit()).isEqualTo(50);
    assertThat(query.cursor()).isEmpty();
  }

  @Test
  void shouldReadEveryParameter() {
    SearchQuery query =
        SearchQuery.parse(
            params(
                "status", "STUCK",
                "type", "order-fulfilment",
                "stuckFor", "PT15M",
                "createdAfter", "2026-11-25T11:00:00+01:00",
                "limit", "500"));

    assertThat(query.statuses()).containsExactly(SagaStatus.STUCK);
    assertThat(query.type()).contains("order-fulfilment");
    assertThat(query.stuckFor()).contains(Duration.ofMinutes(15));
    assertThat(query.createdAfter()).contains(Instant.parse("2026-11-25T10:00:00Z"));
    assertThat(query.limit()).isEqualTo(500);
  }

  @Test
  void shouldImplyStuckForStuckFor() {
    assertThat(SearchQuery.parse(params("stuckFor", "P1D")).statuses())
        .containsExactly(SagaStatus.STUCK);
  }

  @Test
  void shouldNameTheParameterAndWhatItAcceptsInEveryRejection() {
    assertThat(rejected("status", "DONE"))
        .contains("'status'")
        .contains("RUNNING")
        .contains("DONE");
    assertThat(rejected("type", "no spaces")).contains("'type'").contains("letters, digits");
    assertThat(rejected("stuckFor", "15 minutes")).contains("'stuckFor'").contains("ISO-8601");
    assertThat(rejected("stuckFor", "-PT1M")).contains("'stuckFor'").contains("negative");
    assertThat(rejected("stuckFor", "PT1M", "status", "RUNNING"))
        .contains("'stuckFor'")
        .contains("status=RUNNING");
    assertThat(rejected("createdAfter", "yesterday")).contains("'createdAfter'").contains("Z");
    assertThat(rejected("limit", "0")).contains("'limit'").contains("1 to 500");
    assertThat(rejected("limit", "501")).contains("'limit'");
    assertThat(rejected("limit", "ten")).contains("'limit'");
    assertThat(rejected("sort", "createdAt")).contains("'sort'").contains("accepts status");
    assertThat(rejected("status", "RUNNING", "status", "STUCK")).contains("given once");
    assertThat(rejected("cursor", "x".repeat(600))).contains("'cursor'").contains("512");
    assertThat(rejected("cursor", "not base64!")).contains("'cursor'").contains("malformed");
    assertThat(rejected("cursor", "AQID")).contains("'cursor'");
  }

  @Test
  void shouldRejectTheFormerStartedAfterAsUnknownAndNameCreatedAfter() {
    assertThat(rejected("startedAfter", "2026-11-25T10:00:00Z"))
        .contains("Unknown query parameter 'startedAfter'")
        .contains("createdAfter");
  }

  @Test
  void shouldAcceptItsOwnCursorWithTheSameFiltersWhateverTheLimit() {
    SearchQuery first = SearchQuery.parse(params("status", "RUNNING", "limit", "5"));
    String cursor =
        new SearchCursor(Instant.parse("2026-01-01T00:00:00Z"), "s-ü", first.filterHash()).encode();

    SearchQuery next =
        SearchQuery.parse(params("status", "RUNNING", "limit", "7", "cursor", cursor));

    assertThat(next.cursor())
        .contains(
            new SearchCursor(Instant.parse("2026-01-01T00:00:00Z"), "s-ü", first.filterHash()));
    assertThat(cursor).matches("[A-Za-z0-9_-]+");
  }

  @Test
  void shouldRejectACursorUsedWithOtherFiltersOrEdited() {
    SearchQuery first = SearchQuery.parse(params("status", "RUNNING"));
    String cursor = new SearchCursor(Instant.EPOCH, "s1", first.filterHash()).encode();

    assertThat(rejected("status", "COMPLETED", "cursor", cursor)).contains("other filters");
    char[] edited = cursor.toCharArray();
    edited[3] = edited[3] == 'A' ? 'B' : 'A';
    assertThat(rejected("status", "RUNNING", "cursor", new String(edited))).contains("edited");
  }
}
