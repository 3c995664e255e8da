package io.sagaflow.chaos;

import io.sagaflow.chaos.Violation.Kind;
import io.sagaflow.engine.DefinitionResolver;
import io.sagaflow.engine.SagaRegistry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The saga-state store against a replay of the committed inputs: each started saga's requests and
 * replies, with the timer firings its events record, go through the engine ({@link SagaReplay});
 * the replayed state must equal the saga's last changelog record ({@link StateComparison}).
 */
final class ReplayCheck {
  private ReplayCheck() {}

  /** Judges every started saga with events; returns the replays, for the timer check. */
  static Map<String, SagaReplay.Result> judge(
      Observations seen, List<String> figures, List<Violation> violations, Set<String> suspects) {
    Map<String, SagaReplay.Result> replays = new LinkedHashMap<>();
    Optional<SagaRegistry> registry = seen.registry();
    if (registry.isEmpty()) {
      figures.add("state replay: not run (no saga definitions)");
      return replays;
    }
    DefinitionResolver definitions = new DefinitionResolver(registry.get());
    int equal = 0;
    int diverged = 0;
    int differ = 0;
    long inputs = 0;
    long passedOver = 0;
    long timers = 0;
    for (StartedSaga saga : seen.sagas()) {
      String id = saga.sagaId();
      if (seen.events().track(id).isEmpty()) {
        continue; // LOST says it; there is nothing to replay against
      }
      SagaReplay.Result result =
          SagaReplay.replay(
              definitions,
              seen.inputs().requests(id),
              seen.inputs().replies(id),
              seen.events().of(id));
      replays.put(id, result);
      inputs += result.applied().stream().filter(a -> a.input().isPresent()).count();
      timers += result.applied().stream().filter(a -> a.timer().isPresent()).count();
      passedOver += result.passedOver();
      if (result.divergence().isPresent()) {
        diverged++;
        suspects.add(id);
        violations.add(
            new Violation(
                Kind.STATE_NOT_REPLAYABLE,
                id
                    + ": the committed inputs do not explain saga.events: "
                    + result.divergence().get()));
        continue;
      }
      StoredState stored = seen.storedStates().get(id);
      if (stored == null) {
        continue; // STATE_MISSING says it
      }
      Optional<String> difference =
          StateComparison.firstDifference(result.state().orElseThrow(), stored);
      if (difference.isPresent()) {
        differ++;
        suspects.add(id);
        violations.add(
            new Violation(
                Kind.STATE_NOT_REPLAYABLE,
                id
                    + ": saga-state ("
                    + stored.where()
                    + ") is not the replay of its committed inputs: "
                    + difference.get()));
      } else {
        equal++;
      }
    }
    figures.add(
        String.format(
            Locale.ROOT,
            "state replay: sagas %d | inputs applied %d, changing nothing %d | timer firings %d |"
                + " equal to saga-state %d | differing %d | not replayable %d",
            replays.size(),
            inputs,
            passedOver,
            timers,
            equal,
            differ,
            diverged));
    return replays;
  }
}
