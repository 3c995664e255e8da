package io.sagaflow.app.demo;

import io.sagaflow.engine.SagaStatus;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One saga type's share of a demo run: its saga ids' common prefix and the outcome the seed
 * predicts for them, checked against what the processor reported.
 *
 * @param sagaType the saga type
 * @param prefix every saga id of this type starts with it
 * @param sagas how many sagas of this type the run starts
 * @param expected predicted count by final status
 */
record TypeExpectation(
    String sagaType, String prefix, int sagas, Map<SagaStatus, Integer> expected) {

  static final List<SagaStatus> OUTCOMES =
      List.of(SagaStatus.COMPLETED, SagaStatus.COMPENSATED, SagaStatus.FAILED, SagaStatus.STUCK);

  TypeExpectation {
    expected = Map.copyOf(expected);
  }

  /** Current count by status of this type's sagas among {@code statuses}. */
  Map<SagaStatus, Integer> actual(Map<String, SagaStatus> statuses) {
    Map<SagaStatus, Integer> counts = new EnumMap<>(SagaStatus.class);
    statuses.forEach(
        (id, status) -> {
          if (id.startsWith(prefix)) {
            counts.merge(status, 1, Integer::sum);
          }
        });
    return counts;
  }

  /** Whether every final status count of this type is the predicted one. */
  boolean matches(Map<String, SagaStatus> statuses) {
    Map<SagaStatus, Integer> actual = actual(statuses);
    return OUTCOMES.stream()
        .allMatch(s -> actual.getOrDefault(s, 0).equals(expected.getOrDefault(s, 0)));
  }

  /** "order-fulfilment: 1000 sagas, 907 completed (expected 907), ..." */
  String line(Map<String, SagaStatus> statuses) {
    Map<SagaStatus, Integer> actual = actual(statuses);
    StringBuilder sb =
        new StringBuilder(String.format(Locale.ROOT, "%s: %d sagas", sagaType, sagas));
    for (SagaStatus status : OUTCOMES) {
      sb.append(
          String.format(
              Locale.ROOT,
              ", %d %s (expected %d)",
              actual.getOrDefault(status, 0),
              status.name().toLowerCase(Locale.ROOT),
              expected.getOrDefault(status, 0)));
    }
    return sb.toString();
  }
}
