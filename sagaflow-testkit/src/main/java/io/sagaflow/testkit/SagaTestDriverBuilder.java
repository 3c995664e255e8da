package io.sagaflow.testkit;

import io.sagaflow.engine.SagaDefinition;
import io.sagaflow.engine.SagaRegistry;
import io.sagaflow.module.SagaModule;
import io.sagaflow.topology.SagaTopology;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Configures a {@link SagaTestDriver}: the sagas under test, as a registry or as the modules that
 * package them, and where the wall clock starts.
 */
public final class SagaTestDriverBuilder {
  private Optional<SagaRegistry> registry = Optional.empty();
  private final List<SagaDefinition<?>> fromModules = new ArrayList<>();
  private Instant start = SagaTestDriver.DEFAULT_START;
  private Duration punctuationInterval = SagaTopology.Settings.DEFAULT_PUNCTUATION_INTERVAL;

  SagaTestDriverBuilder() {}

  /** The sagas under test; replaces any given before. */
  public SagaTestDriverBuilder registry(SagaRegistry registry) {
    this.registry = Optional.of(Objects.requireNonNull(registry, "registry"));
    fromModules.clear();
    return this;
  }

  /** Adds every definition of {@code modules} to the sagas under test. */
  public SagaTestDriverBuilder modules(SagaModule... modules) {
    for (SagaModule module : modules) {
      fromModules.addAll(module.definitions());
    }
    return this;
  }

  /** Where the processor's wall clock starts ({@link SagaTestDriver#DEFAULT_START} by default). */
  public SagaTestDriverBuilder startTime(Instant start) {
    this.start = Objects.requireNonNull(start, "start");
    return this;
  }

  /**
   * How often the processor checks for due timers, and so the step in which {@link
   * SagaTestDriver#advance} moves the clock (the runtime's default unless set).
   */
  public SagaTestDriverBuilder punctuationInterval(Duration interval) {
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("The punctuation interval must be positive: " + interval);
    }
    this.punctuationInterval = interval;
    return this;
  }

  /** A driver over the configured sagas; close it after the test. */
  public SagaTestDriver build() {
    SagaRegistry sagas = registry.orElse(SagaRegistry.of());
    for (SagaDefinition<?> definition : fromModules) {
      sagas = sagas.with(definition);
    }
    if (sagas.all().isEmpty()) {
      throw new IllegalStateException(
          "No saga to test: give the builder a registry() or the modules() that define the sagas");
    }
    return SagaTestDriver.create(sagas, start, punctuationInterval);
  }
}
