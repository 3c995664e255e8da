package io.sagaflow.api;

import io.sagaflow.engine.SagaStatus;
import io.sagaflow.topology.SagaIndex;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.utils.Bytes;

/**
 * Search over this instance's partitions of {@code saga-index}: one range scan per partition,
 * status and type, each stopping once it has enough matches or reaches sagas created before {@code
 * createdAfter} (keys are newest first), then a merge of those sorted runs.
 */
final class LocalSearch {
  /** Result order: newest first, then saga id bytes ascending; the order of the index keys. */
  static final Comparator<SagaIndex.Entry> ORDER =
      Comparator.comparing(SagaIndex.Entry::createdAt)
          .reversed()
          .thenComparing(e -> e.sagaId().getBytes(StandardCharsets.UTF_8), Arrays::compareUnsigned);

  /** Whether a saga's stored state passes a step filter; reads the saga-state store. */
  @FunctionalInterface
  interface StepProbe {
    boolean matches(int partition, String sagaId, SearchQuery.StepFilter filter);
  }

  private final RangeScanner index;
  private final StepProbe steps;

  LocalSearch(RangeScanner index) {
    this(
        index,
        (partition, sagaId, filter) -> {
          throw new IllegalStateException("this search has no saga-state store for step filters");
        });
  }

  LocalSearch(RangeScanner index, StepProbe steps) {
    this.index = index;
    this.steps = steps;
  }

  /**
   * The first {@code want} matches of {@code query} after its cursor in {@code partitions}; without
   * a type in the query, sagas of every type in {@code registeredTypes}. {@code now} is what {@code
   * stuckFor} counts back from.
   */
  Partial<SagaIndex.Entry> search(
      SearchQuery query,
      Set<Integer> partitions,
      List<String> registeredTypes,
      Instant now,
      int want) {
    List<String> types = query.type().map(List::of).orElse(registeredTypes);
    List<List<SagaIndex.Entry>> runs = new ArrayList<>();
    Instant stuckSince = query.stuckFor().map(d -> before(now, d)).orElse(Instant.MAX);
    for (int partition : partitions) {
      for (SagaStatus status : query.statuses()) {
        for (String type : types) {
          runs.add(scan(query, partition, status.name(), type, stuckSince, want));
        }
      }
    }
    return new Partial<>(partitions, Partial.merge(runs, ORDER, want));
  }

  /** {@code now - duration}, or the earliest instant when that lies before it. */
  private static Instant before(Instant now, java.time.Duration duration) {
    try {
      return now.minus(duration);
    } catch (ArithmeticException | java.time.DateTimeException e) {
      // A duration longer than the calendar: nothing has been STUCK that long.
      return Instant.MIN;
    }
  }

  private List<SagaIndex.Entry> scan(
      SearchQuery query, int partition, String status, String type, Instant stuckSince, int want) {
    Bytes from =
        query
            .cursor()
            .map(
                c ->
                    SagaIndex.successor(
                        SagaIndex.position(status, type, c.createdAt(), c.sagaId())))
            .orElse(SagaIndex.prefix(status, type));
    List<SagaIndex.Entry> run = new ArrayList<>();
    index.scan(
        partition,
        from,
        SagaIndex.prefixEnd(status, type),
        kv -> {
          SagaIndex.Entry entry = SagaIndex.decode(kv.key, kv.value);
          if (query.createdAfter().filter(t -> !entry.createdAt().isAfter(t)).isPresent()) {
            return false;
          }
          if (!entry.statusSince().isAfter(stuckSince)
              && query.step().map(f -> steps.matches(partition, entry.sagaId(), f)).orElse(true)) {
            run.add(entry);
          }
          return run.size() < want;
        });
    return run;
  }
}
