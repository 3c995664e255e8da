package io.sagaflow.api;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeSet;

/**
 * What one instance answered for the partitions it owns: items in result order. Answers from all
 * instances are accepted only when they cover every partition exactly once, so an answer gathered
 * while ownership moves is refused (503) rather than served with gaps or duplicates.
 *
 * @param <T> item type
 * @param partitions the store partitions the instance read, as their active owner
 * @param items its matches, in result order
 */
record Partial<T>(Set<Integer> partitions, List<T> items) {
  Partial {
    partitions = Set.copyOf(partitions);
    items = List.copyOf(items);
  }

  /**
   * Throws a 503 unless {@code parts} together cover partitions {@code 0..partitionCount-1} with no
   * partition answered twice.
   */
  static void requireExactCover(List<? extends Partial<?>> parts, int partitionCount, String what) {
    Set<Integer> seen = new TreeSet<>();
    Set<Integer> twice = new TreeSet<>();
    for (Partial<?> part : parts) {
      for (int p : part.partitions()) {
        if (!seen.add(p)) {
          twice.add(p);
        }
      }
    }
    Set<Integer> missing = new TreeSet<>();
    for (int p = 0; p < partitionCount; p++) {
      if (!seen.contains(p)) {
        missing.add(p);
      }
    }
    if (!missing.isEmpty() || !twice.isEmpty()) {
      throw ApiProblem.unavailable(
          "store-unavailable",
          what
              + " cannot be answered completely right now: "
              + (missing.isEmpty() ? "" : "partitions " + missing + " have no active owner")
              + (missing.isEmpty() || twice.isEmpty() ? "" : " and ")
              + (twice.isEmpty() ? "" : "partitions " + twice + " were answered twice")
              + " (the group is rebalancing). Retry shortly.",
          1);
    }
  }

  /** The first {@code limit} items of sorted {@code runs}, merged in {@code order}. */
  static <T> List<T> merge(List<List<T>> runs, Comparator<? super T> order, int limit) {
    record Head<T>(T item, int run, int index) {}
    PriorityQueue<Head<T>> heads = new PriorityQueue<>((a, b) -> order.compare(a.item, b.item));
    for (int r = 0; r < runs.size(); r++) {
      if (!runs.get(r).isEmpty()) {
        heads.add(new Head<>(runs.get(r).get(0), r, 0));
      }
    }
    List<T> out = new ArrayList<>();
    while (out.size() < limit && !heads.isEmpty()) {
      Head<T> head = heads.poll();
      out.add(head.item);
      List<T> run = runs.get(head.run);
      if (head.index + 1 < run.size()) {
        heads.add(new Head<>(run.get(head.index + 1), head.run, head.index + 1));
      }
    }
    return out;
  }
}
