package io.sagaflow.engine;

import java.util.Optional;

/**
 * What {@link DefinitionResolver} found for an input. Each absent case is its own type because
 * callers treat them differently: no saga is an input to reject, an unknown type is a client's
 * mistake, a retired version is a deployment's mistake.
 */
public sealed interface Resolution {

  /** The definition, if one applies. */
  default Optional<SagaDefinition<?>> found() {
    return this instanceof Found f ? Optional.of(f.definition()) : Optional.empty();
  }

  /** The definition, or an {@link IllegalStateException} carrying the reason there is none. */
  default SagaDefinition<?> orElseThrow() {
    if (this instanceof Found f) {
      return f.definition();
    }
    throw new IllegalStateException(((Absent) this).reason());
  }

  /** The definition that applies. */
  record Found(SagaDefinition<?> definition) implements Resolution {}

  /** No definition applies; {@link #reason()} says why, for the person reading the dead letter. */
  sealed interface Absent extends Resolution {
    String reason();
  }

  /** The input is not a start and the saga has no state. */
  record NoSaga(String reason) implements Absent {}

  /** A start names a type, or a version of it, that this deployment does not register. */
  record UnknownType(String reason) implements Absent {}

  /** A saga's state names a version that is no longer registered. */
  record Retired(String reason) implements Absent {}
}
