package io.sagaflow.chaos;

import io.sagaflow.chaos.CommandLedger.CommandCopy;
import io.sagaflow.chaos.EventLedger.SagaTrack;
import io.sagaflow.chaos.Violation.Kind;
import io.sagaflow.engine.SagaStatus;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Judges what the verifier read: pure, so every rule is tested without a broker. */
final class Verification {
  /** Sagas whose committed record the report tells, at most. */
  static final int STORIES = 3;

  private static final List<SagaStatus> ENDS =
      List.of(SagaStatus.COMPLETED, SagaStatus.COMPENSATED, SagaStatus.FAILED, SagaStatus.STUCK);

  private Verification() {}

  static VerificationReport judge(Observations seen) {
    List<Violation> violations = new ArrayList<>();
    List<String> figures = new ArrayList<>();
    Set<String> suspects = new LinkedHashSet<>();
    sagas(seen, figures, violations, suspects);
    commands(seen, figures, violations, suspects);
    deadLetters(seen, figures, violations, suspects);
    transactions(seen, figures, violations);
    state(seen, figures, violations, suspects);
    Map<String, SagaReplay.Result> replays = ReplayCheck.judge(seen, figures, violations, suspects);
    TimerCheck.judge(seen, replays, figures, violations, suspects);
    seen.missingTopics()
        .forEach(t -> violations.add(new Violation(Kind.TOPIC_MISSING, t + " does not exist")));
    return new VerificationReport(
        figures, violations, suspects.stream().limit(STORIES).toList(), Map.of());
  }

  private static void sagas(
      Observations seen, List<String> figures, List<Violation> violations, Set<String> suspects) {
    Map<SagaStatus, Integer> ended = new EnumMap<>(SagaStatus.class);
    Map<SagaStatus, Integer> predicted = new EnumMap<>(SagaStatus.class);
    int lost = 0;
    int wrong = 0;
    int twice = 0;
    for (StartedSaga saga : seen.sagas()) {
      String id = saga.sagaId();
      SagaStatus expected = seen.predicted().get(id);
      predicted.merge(expected, 1, Integer::sum);
      Optional<SagaTrack> track = seen.events().track(id);
      if (track.isEmpty()) {
        lost++;
        violations.add(new Violation(Kind.LOST, id + " has no committed event on saga.events"));
        suspects.add(id);
        continue;
      }
      SagaTrack t = track.get();
      ended.merge(t.status(), 1, Integer::sum);
      if (t.terminalEvents() > 1) {
        twice++;
        suspects.add(id);
        violations.add(
            new Violation(
                Kind.FINISHED_TWICE, id + " has " + t.terminalEvents() + " terminal events"));
      }
      if (!t.status().isTerminal() && t.status() != SagaStatus.STUCK) {
        lost++;
        violations.add(new Violation(Kind.LOST, id + " never finished: last status " + t.status()));
        suspects.add(id);
        continue;
      }
      if (t.status() == SagaStatus.STUCK && t.stuckReason().isEmpty()) {
        lost++;
        suspects.add(id);
        violations.add(new Violation(Kind.STUCK_WITHOUT_REASON, id + " is STUCK without a reason"));
      }
      if (t.status() != expected) {
        wrong++;
        suspects.add(id);
        violations.add(
            new Violation(
                Kind.WRONG_OUTCOME,
                id
                    + " ended "
                    + t.status()
                    + ", the seed predicts "
                    + expected
                    + t.stuckReason().map(r -> " (stuck: " + r + ")").orElse("")));
      }
    }
    int unfinished = seen.sagas().size() - ENDS.stream().mapToInt(s -> count(ended, s)).sum();
    figures.add(
        String.format(
            Locale.ROOT,
            "sagas %d | completed %d | compensated %d | failed %d | stuck %d | unfinished %d |"
                + " lost %d",
            seen.sagas().size(),
            count(ended, SagaStatus.COMPLETED),
            count(ended, SagaStatus.COMPENSATED),
            count(ended, SagaStatus.FAILED),
            count(ended, SagaStatus.STUCK),
            unfinished,
            lost));
    figures.add(
        String.format(
            Locale.ROOT,
            "predicted from the seed: completed %d | compensated %d | failed %d | stuck %d |"
                + " sagas not as predicted %d",
            count(predicted, SagaStatus.COMPLETED),
            count(predicted, SagaStatus.COMPENSATED),
            count(predicted, SagaStatus.FAILED),
            count(predicted, SagaStatus.STUCK),
            wrong));
    figures.add(
        String.format(
            Locale.ROOT,
            "events %d committed | sagas finished twice %d",
            seen.events().events(),
            twice));
  }

  private static void commands(
      Observations seen, List<String> figures, List<Violation> violations, Set<String> suspects) {
    CommandLedger commands = seen.commands();
    Map<String, List<CommandCopy>> duplicates = commands.duplicates();
    duplicates.values().forEach(copies -> suspects.add(copies.get(0).sagaId()));
    duplicates.forEach(
        (id, copies) ->
            violations.add(
                new Violation(
                    Kind.DUPLICATE_COMMAND,
                    "command id " + id + " committed " + copies.size() + " times: " + copies)));
    List<CommandCopy> withoutId = commands.withoutId();
    withoutId.forEach(
        c -> violations.add(new Violation(Kind.COMMAND_WITHOUT_ID, c + " has no ce_id header")));
    figures.add(
        String.format(
            Locale.ROOT,
            "commands %d committed on %d topics | distinct ids %d | duplicate ids %d | without"
                + " ce_id %d",
            commands.total(),
            commands.perTopic().size(),
            commands.distinctIds(),
            duplicates.size(),
            withoutId.size()));
  }

  private static void deadLetters(
      Observations seen, List<String> figures, List<Violation> violations, Set<String> suspects) {
    long total = seen.deadLetters().total();
    figures.add(
        String.format(
            Locale.ROOT,
            "dead letters %d (expected %d)%s",
            total,
            seen.expectedDeadLetters(),
            total == 0 ? "" : " by reason " + seen.deadLetters().byReason()));
    if (total != seen.expectedDeadLetters()) {
      // A dead letter about one of the run's own sagas is one no injected bad input explains.
      seen.sagas().stream()
          .map(StartedSaga::sagaId)
          .filter(seen.deadLetters().sagaIds()::contains)
          .forEach(suspects::add);
      violations.add(
          new Violation(
              Kind.DEAD_LETTERS,
              String.format(
                  Locale.ROOT,
                  "saga.dlq holds %d committed dead letters, the run injected %d bad inputs (%s)",
                  total,
                  seen.expectedDeadLetters(),
                  seen.deadLetters().byReason())));
    }
  }

  private static void transactions(
      Observations seen, List<String> figures, List<Violation> violations) {
    figures.add(
        String.format(
            Locale.ROOT,
            "open transactions: %d partitions behind after %d s%s",
            seen.open().size(),
            seen.openBound().toSeconds(),
            seen.open().isEmpty()
                ? ""
                : " | ongoing transactional ids " + seen.ongoingTransactionalIds()));
    seen.open()
        .forEach(
            p ->
                violations.add(
                    new Violation(
                        Kind.OPEN_TRANSACTION,
                        p + " stayed open for " + seen.openBound().toSeconds() + " s")));
  }

  private static void state(
      Observations seen, List<String> figures, List<Violation> violations, Set<String> suspects) {
    int missing = 0;
    int disagree = 0;
    for (StartedSaga saga : seen.sagas()) {
      Optional<SagaTrack> track = seen.events().track(saga.sagaId());
      if (track.isEmpty()) {
        continue;
      }
      SagaStatus fromEvents = track.get().status();
      SagaStatus stored = seen.stored().get(saga.sagaId());
      if (stored == null) {
        missing++;
        suspects.add(saga.sagaId());
        violations.add(
            new Violation(
                Kind.STATE_MISSING,
                saga.sagaId() + " has events (" + fromEvents + ") but no saga-state record"));
      } else if (stored != fromEvents) {
        disagree++;
        suspects.add(saga.sagaId());
        violations.add(
            new Violation(
                Kind.STATE_DISAGREES,
                saga.sagaId()
                    + " is "
                    + stored
                    + " in saga-state but "
                    + fromEvents
                    + " on saga.events"));
      }
    }
    figures.add(
        String.format(
            Locale.ROOT,
            "saga-state changelog %d sagas | started sagas missing %d | disagreeing with"
                + " saga.events %d",
            seen.storedSagas(),
            missing,
            disagree));
  }

  private static int count(Map<SagaStatus, Integer> counts, SagaStatus status) {
    return counts.getOrDefault(status, 0);
  }
}
