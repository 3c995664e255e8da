package io.sagaflow.engine;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The saga definitions an application knows, several versions per type. Immutable: {@link #with}
 * returns a new registry, so a running topology can never see a half-registered type.
 *
 * <p>Which definition applies to an input is {@link DefinitionResolver}'s decision, not the
 * caller's: a registry only finds definitions by type and version.
 */
public final class SagaRegistry {
  private final List<SagaDefinition<?>> definitions;

  private SagaRegistry(List<SagaDefinition<?>> definitions) {
    this.definitions = List.copyOf(definitions);
  }

  /** A registry holding the given definitions; (type, version) pairs must be unique. */
  public static SagaRegistry of(SagaDefinition<?>... definitions) {
    SagaRegistry registry = new SagaRegistry(List.of());
    for (SagaDefinition<?> definition : definitions) {
      registry = registry.with(definition);
    }
    return registry;
  }

  /**
   * A registry that also holds {@code definition}.
   *
   * @throws IllegalArgumentException when this type and version is already registered
   */
  public SagaRegistry with(SagaDefinition<?> definition) {
    Objects.requireNonNull(definition, "definition");
    if (find(definition.type(), definition.version()).isPresent()) {
      throw new IllegalArgumentException(
          "saga '"
              + definition.type()
              + "' v"
              + definition.version()
              + " is already registered; register a new version number instead");
    }
    return new SagaRegistry(Stream.concat(definitions.stream(), Stream.of(definition)).toList());
  }

  /** The definition of {@code type} at exactly {@code version}. */
  public Optional<SagaDefinition<?>> find(String type, int version) {
    return definitions.stream()
        .filter(d -> d.type().equals(type) && d.version() == version)
        .findFirst();
  }

  /** The highest registered version of {@code type}. */
  public Optional<SagaDefinition<?>> latest(String type) {
    return definitions.stream()
        .filter(d -> d.type().equals(type))
        .max(Comparator.comparingInt(SagaDefinition::version));
  }

  /** Every registered definition, in registration order. */
  public List<SagaDefinition<?>> all() {
    return definitions;
  }

  /** Registered versions of {@code type}, ascending. */
  public List<Integer> versions(String type) {
    return definitions.stream()
        .filter(d -> d.type().equals(type))
        .map(SagaDefinition::version)
        .sorted()
        .toList();
  }
}
