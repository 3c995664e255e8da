package io.sagaflow.engine;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Build-time checks of a saga definition. Every message names the saga and the step and says what
 * to change, because the reader is the engineer who just wrote the definition.
 */
final class DefinitionValidator {
  private DefinitionValidator() {}

  static <D> void validate(
      String sagaType,
      int version,
      List<List<StepDefinition<D>>> stages,
      Optional<Duration> deadline,
      List<Invariant<D>> invariants) {
    require(!sagaType.isBlank(), "saga type must not be blank");
    String where = "saga '" + sagaType + "' v" + version + ": ";
    require(version >= 1, where + "version must be at least 1");
    require(!stages.isEmpty(), where + "has no steps; add at least one step(...)");
    deadline.ifPresent(
        d -> require(d.compareTo(Duration.ZERO) > 0, where + "deadline must be positive"));
    Set<String> invariantNames = new HashSet<>();
    for (Invariant<D> invariant : invariants) {
      require(!invariant.name().isBlank(), where + "an invariant has a blank name");
      require(
          invariantNames.add(invariant.name()),
          where + "duplicate invariant name '" + invariant.name() + "'");
    }
    Set<String> names = new HashSet<>();
    Optional<String> pivot = Optional.empty();
    Optional<String> firstRetriable = Optional.empty();
    for (List<StepDefinition<D>> stage : stages) {
      require(
          stage.stream().map(StepDefinition::kind).distinct().count() == 1,
          where
              + "parallel group "
              + stage.stream().map(StepDefinition::name).toList()
              + " mixes step kinds; a group is all COMPENSATABLE or all RETRIABLE");
      for (StepDefinition<D> step : stage) {
        String at = where + "step '" + step.name() + "' ";
        require(!step.name().isBlank(), where + "a step has a blank name");
        require(names.add(step.name()), at + "is defined twice; step names must be unique");
        checkStep(at, step);
        if (step.kind() == StepKind.PIVOT) {
          require(
              pivot.isEmpty(),
              at + "is a second pivot after '" + pivot.orElse("") + "'; a saga has at most one");
          require(
              firstRetriable.isEmpty(),
              where
                  + "step '"
                  + firstRetriable.orElse("")
                  + "' is RETRIABLE but comes before pivot '"
                  + step.name()
                  + "'; retriable steps belong after the pivot");
          require(
              stage.size() == 1, at + "is a pivot inside a parallel group; the pivot runs alone");
          pivot = Optional.of(step.name());
        } else if (step.kind() == StepKind.RETRIABLE) {
          firstRetriable = firstRetriable.or(() -> Optional.of(step.name()));
        } else {
          require(
              pivot.isEmpty(),
              at
                  + "is COMPENSATABLE but comes after pivot '"
                  + pivot.orElse("")
                  + "'; steps after the pivot must be RETRIABLE");
          require(
              firstRetriable.isEmpty(),
              at
                  + "is COMPENSATABLE but comes after retriable step '"
                  + firstRetriable.orElse("")
                  + "'; move it before the retriable steps");
        }
      }
    }
  }

  private static <D> void checkStep(String at, StepDefinition<D> step) {
    require(!step.commandTopic().isBlank(), at + "has a blank command topic");
    require(
        step.compensationTopic().map(t -> !t.isBlank()).orElse(true),
        at + "has a blank compensation topic");
    require(step.timeout().compareTo(Duration.ZERO) > 0, at + "needs a positive timeout");
    if (step.kind() == StepKind.COMPENSATABLE) {
      require(
          step.compensation().isPresent(),
          at + "is COMPENSATABLE but has no compensation: call compensation(data -> command)");
    } else {
      require(
          step.compensation().isEmpty() && step.compensationTopic().isEmpty(),
          at + "is " + step.kind() + " and is never compensated; remove its compensation");
    }
    require(
        step.kind() != StepKind.RETRIABLE || step.retryPolicy().isPresent(),
        at + "is RETRIABLE but has no retry policy: call retry(RetryPolicy...)");
  }

  static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }
}
