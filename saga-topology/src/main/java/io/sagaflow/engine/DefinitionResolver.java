package io.sagaflow.engine;

import java.util.Objects;
import java.util.Optional;

/**
 * The one place that answers "which definition applies to this input". The engine and the topology
 * both ask it, so a saga can never be decided on one version and stored or decoded on another.
 *
 * <p>The rule callers may rely on: a saga that has state stays on the type and version recorded in
 * it, whatever has been registered since; a start of a saga without state takes the version it
 * names, or the latest registered one when it names none. Pure: it reads only the registry.
 */
public final class DefinitionResolver {
  private final SagaRegistry registry;

  /** A resolver over the definitions in {@code registry}. */
  public DefinitionResolver(SagaRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  /**
   * The definition for {@code input} to a saga whose state, if any, was recorded as {@code
   * recorded}.
   */
  public Resolution forInput(Optional<Recorded> recorded, SagaInput input) {
    Objects.requireNonNull(input, "input");
    if (input instanceof SagaInput.Start<?> start) {
      return forStart(recorded, start.type(), start.version());
    }
    return recorded
        .map(this::running)
        .orElseGet(
            () ->
                new Resolution.NoSaga(
                    input.getClass().getSimpleName() + " for a saga that does not exist"));
  }

  /**
   * The definition for a start request naming {@code type} and, optionally, a version; before the
   * start's data is decoded, since decoding needs the definition's data type.
   */
  public Resolution forStart(Optional<Recorded> recorded, String type, Optional<Integer> version) {
    if (recorded.isPresent()) {
      return running(recorded.get());
    }
    Optional<SagaDefinition<?>> found =
        version.map(v -> registry.find(type, v)).orElseGet(() -> registry.latest(type));
    return found
        .<Resolution>map(Resolution.Found::new)
        .orElseGet(
            () ->
                new Resolution.UnknownType(
                    "No saga type '"
                        + type
                        + "'"
                        + version.map(v -> " v" + v).orElse("")
                        + " is registered; registered versions of it: "
                        + registry.versions(type)));
  }

  /** The definition a running saga was started on. */
  public Resolution running(Recorded recorded) {
    return registry
        .find(recorded.type(), recorded.version())
        .<Resolution>map(Resolution.Found::new)
        .orElseGet(
            () ->
                new Resolution.Retired(
                    "Saga "
                        + recorded.sagaId()
                        + " runs on "
                        + recorded.type()
                        + " v"
                        + recorded.version()
                        + ", which this deployment does not register; keep old versions"
                        + " registered until their sagas have ended"));
  }

  /**
   * The type and version a saga's stored state names; all a resolver needs before the state can be
   * decoded.
   */
  public record Recorded(String sagaId, String type, int version) {
    public Recorded {
      Objects.requireNonNull(sagaId, "sagaId");
      Objects.requireNonNull(type, "type");
    }

    /** What {@code state} records. */
    public static Recorded of(SagaState<?> state) {
      return new Recorded(state.sagaId(), state.type(), state.definitionVersion());
    }
  }
}
