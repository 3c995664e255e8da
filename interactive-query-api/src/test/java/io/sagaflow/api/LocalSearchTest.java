package io.sagaflow.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sagaflow.topology.SagaIndex;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;

/**
 * Instance-local search and the merge across instances, over in-memory partitions instead of Kafka:
 * the ordering, paging, filters and the exact-cover rule.
 */
class LocalSearchTest {
  private static final Instant T = Instant.parse("2026-05-01T00:00:00Z");
  private static final List<String> TYPES = List.of("order", "refund");

  /** Partitions of an index store, as sorted maps. */
  private final Map<Integer, NavigableMap<Bytes, byte[]>> partitions = new HashMap<>();

  private final RangeScanner scanner =
      (int partition, Bytes from, Bytes to, Predicate<KeyValue<Bytes, byte[]>> visitor) -> {
        for (Map.Entry<Bytes, byte[]> e :
            partitions
                .getOrDefault(partition, new TreeMap<>())
                .subMap(from, true, to, true)
                .entrySet()) {
          if (!visitor.test(KeyValue.pair(e.getKey(), e.getValue()))) {
            return;
          }
        }
      };

  private final LocalSearch search = new LocalSearch(scanner);

  private void put(
      int partition, String status, String type, String id, int createdSec, int sinceSec) {
    SagaIndex.Entry e =
        new SagaIndex.Entry(status, type, T.plusSeconds(createdSec), id, T.plusSeconds(sinceSec));
    partitions.computeIfAbsent(partition, p -> new TreeMap<>()).put(e.key(), e.value());
  }

  private static SearchQuery query(String... pairs) {
    Map<String, List<String>> params = new HashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      params.put(pairs[i], List.of(pairs[i + 1]));
    }
    return SearchQuery.parse(params);
  }

  private List<String> ids(SearchQuery query, Set<Integer> parts, int want) {
    return search.search(query, parts, TYPES, T.plusSeconds(3600), want).items().stream()
        .map(SagaIndex.Entry::sagaId)
        .toList();
  }

  @Test
  void shouldMergePartitionsStatusesAndTypesNewestFirst() {
    put(0, "RUNNING", "order", "a", 10, 10);
    put(1, "COMPLETED", "refund", "b", 30, 40);
    put(1, "RUNNING", "order", "c", 20, 20);
    put(0, "STUCK", "order", "d", 20, 25);

    assertThat(ids(query(), Set.of(0, 1), 10)).containsExactly("b", "c", "d", "a");
    assertThat(ids(query("status", "RUNNING"), Set.of(0, 1), 10)).containsExactly("c", "a");
    assertThat(ids(query("type", "refund"), Set.of(0, 1), 10)).containsExactly("b");
    assertThat(ids(query(), Set.of(0), 10)).containsExactly("d", "a");
  }

  @Test
  void shouldPageWithoutGapsOrDuplicatesAcrossEqualCreationTimes() {
    for (int i = 0; i < 7; i++) {
      put(i % 2, "RUNNING", "order", "s" + i, i / 3, 0);
    }
    List<String> all = new ArrayList<>();
    SearchQuery page = query("limit", "3");
    while (true) {
      List<SagaIndex.Entry> items =
          search.search(page, Set.of(0, 1), TYPES, T, page.limit() + 1).items();
      items.stream().limit(page.limit()).forEach(e -> all.add(e.sagaId()));
      if (items.size() <= page.limit()) {
        break;
      }
      SagaIndex.Entry last = items.get(page.limit() - 1);
      String cursor = new SearchCursor(last.createdAt(), last.sagaId(), page.filterHash()).encode();
      page = query("limit", "3", "cursor", cursor);
    }

    assertThat(all).containsExactly("s6", "s3", "s4", "s5", "s0", "s1", "s2");
  }

  @Test
  void shouldStopAtCreatedAfterAndKeepOnlySagasStuckLongEnough() {
    put(0, "STUCK", "order", "old", 0, 60);
    put(0, "STUCK", "order", "long", 100, 200);
    put(0, "STUCK", "order", "recent", 300, 3500);

    assertThat(ids(query("createdAfter", T.plusSeconds(50).toString()), Set.of(0), 10))
        .containsExactly("recent", "long");
    assertThat(ids(query("stuckFor", "PT10M"), Set.of(0), 10)).containsExactly("long", "old");
    assertThat(
            ids(
                query("stuckFor", "PT10M", "createdAfter", T.plusSeconds(50).toString()),
                Set.of(0),
                10))
        .containsExactly("long");
    assertThat(ids(query("stuckFor", "PT0S"), Set.of(0), 10)).hasSize(3);
    assertThat(ids(query("stuckFor", "P9999999999D"), Set.of(0), 10)).isEmpty();
  }

  @Test
  void shouldReturnAtMostWhatWasAskedFor() {
    for (int i = 0; i < 20; i++) {
      put(0, "RUNNING", "order", "s" + i, i, i);
    }

    assertThat(ids(query(), Set.of(0), 4)).containsExactly("s19", "s18", "s17", "s16");
  }

  @Test
  void shouldAcceptPartsOnlyWhenTheyCoverEveryPartitionOnce() {
    Partial<String> a = new Partial<>(Set.of(0, 2), List.of());
    Partial<String> b = new Partial<>(Set.of(1), List.of());
    Partial<String> overlapping = new Partial<>(Set.of(1, 2), List.of());

    Partial.requireExactCover(List.of(a, b), 3, "Search");
    assertThatThrownBy(() -> Partial.requireExactCover(List.of(a), 3, "Search"))
        .isInstanceOfSatisfying(
            ApiProblem.class,
            p -> {
              assertThat(p.status()).isEqualTo(503);
              assertThat(p.retryAfterSeconds()).contains(1);
              assertThat(p.getMessage()).contains("partitions [1] have no active owner");
            });
    assertThatThrownBy(() -> Partial.requireExactCover(List.of(a, overlapping), 3, "Search"))
        .hasMessageContaining("partitions [2] were answered twice");
    assertThatThrownBy(() -> Partial.requireExactCover(List.of(overlapping), 4, "Search"))
        .hasMessageContaining("[0, 3] have no active owner");
  }

  @Test
  void shouldMergeSortedRunsUpToTheLimit() {
    List<List<Integer>> runs = List.of(List.of(1, 4, 9), List.of(), List.of(2, 3, 10));

    assertThat(Partial.merge(runs, Integer::compare, 5)).containsExactly(1, 2, 3, 4, 9);
    assertThat(Partial.merge(runs, Integer::compare, 100)).containsExactly(1, 2, 3, 4, 9, 10);
  }

  @Test
  void shouldListASagasDeadLettersOldestFirstAcrossPartitions() {
    io.sagaflow.topology.DeadLetterEntry late = letter("s1", 20, 0, 5);
    io.sagaflow.topology.DeadLetterEntry early = letter("s1", 10, 1, 3);
    io.sagaflow.topology.DeadLetterEntry other = letter("s10", 5, 0, 1);
    for (io.sagaflow.topology.DeadLetterEntry e : List.of(late, early, other)) {
      partitions.computeIfAbsent(e.dlqPartition(), p -> new TreeMap<>()).put(e.key(), e.value());
    }

    assertThat(new LocalDeadLetters(scanner).of("s1", Set.of(0, 1)).items())
        .containsExactly(early, late);
  }

  private static io.sagaflow.topology.DeadLetterEntry letter(
      String sagaId, int failedSec, int partition, long offset) {
    return new io.sagaflow.topology.DeadLetterEntry(
        sagaId,
        "UNKNOWN_STEP",
        "detail",
        "saga.replies",
        0,
        1L,
        T.plusSeconds(failedSec),
        partition,
        offset,
        java.util.Optional.of(12));
  }
}
