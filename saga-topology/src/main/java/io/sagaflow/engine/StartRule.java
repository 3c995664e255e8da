package io.sagaflow.engine;

import java.time.Instant;
import java.util.Optional;

/** Starts a saga: checks the request against the definition, then sends the first stage. */
final class StartRule {
  private StartRule() {}

  static <D> Decision<D> apply(
      SagaDefinition<D> def, Optional<SagaState<D>> state, SagaInput.Start<?> start, Instant now) {
    if (state.isPresent()) {
      return Decision.unchanged(
          InputVerdict.DUPLICATE,
          "saga '"
              + start.sagaId()
              + "' already exists (status "
              + state.get().status()
              + ", started "
              + state.get().createdAt()
              + ")");
    }
    Optional<String> problem = problem(def, start);
    if (problem.isPresent()) {
      return Decision.unchanged(InputVerdict.INVALID, problem.get());
    }
    Run<D> run =
        Run.start(
            def,
            start.sagaId(),
            def.dataType().cast(start.data()),
            start.traceparent(),
            start.rollout(),
            now);
    def.deadline().ifPresent(limit -> run.scheduleDeadline(now.plus(limit)));
    Progress.advance(run);
    return run.applied();
  }

  private static <D> Optional<String> problem(SagaDefinition<D> def, SagaInput.Start<?> start) {
    String target = "definition '" + def.type() + "' v" + def.version();
    if (start.sagaId().isBlank()) {
      return Optional.of("start of a '" + start.type() + "' saga has a blank saga id");
    }
    if (!start.type().equals(def.type())
        || start.version().filter(v -> v != def.version()).isPresent()) {
      return Optional.of(
          "start of saga '"
              + start.sagaId()
              + "' asks for type '"
              + start.type()
              + "' v"
              + start.version().map(String::valueOf).orElse("latest")
              + " but was decided with "
              + target);
    }
    if (start.rollout().isPresent() && start.version().isPresent()) {
      return Optional.of(
          "start of saga '"
              + start.sagaId()
              + "' names v"
              + start.version().get()
              + " and was placed by rollout "
              + start.rollout().get().rolloutId()
              + "; a start that names a version keeps it and no rollout places it");
    }
    if (start.rollout().filter(r -> r.version() != def.version()).isPresent()) {
      return Optional.of(
          "start of saga '"
              + start.sagaId()
              + "' was placed on v"
              + start.rollout().get().version()
              + " by rollout "
              + start.rollout().get().rolloutId()
              + " but was decided with "
              + target);
    }
    if (!def.dataType().isInstance(start.data())) {
      return Optional.of(
          "start of saga '"
              + start.sagaId()
              + "' carries "
              + start.data().getClass().getName()
              + " but "
              + target
              + " carries "
              + def.dataType().getName());
    }
    return Optional.empty();
  }
}
