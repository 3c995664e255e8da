package io.sagaflow.replay;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A deterministic replay scenario: the saga processor's inputs in order, with the wall-clock moves
 * between them, and the outputs expected after each step. The processor's only clock is the wall
 * clock the replay sets, and the engine derives ids and jitter from saga id, step and attempt, so
 * the same fixture always produces the same bytes.
 *
 * @param name short name, normally the file name without extension
 * @param description what the scenario shows, for the reviewer
 * @param seed the seed of the run that produced the inputs (simulated participants), if any; the
 *     replay itself needs none
 * @param sagaType the saga type the scenario runs, when known; the replay checks it is registered
 * @param definitionVersion the definition version, when known; checked like the type
 * @param wallClockStart the wall clock when the replay starts
 * @param punctuationInterval the timer scan interval; a step's advance moves in increments of it
 * @param steps the steps, in order
 */
public record Fixture(
    String name,
    String description,
    Optional<Long> seed,
    Optional<String> sagaType,
    Optional<Integer> definitionVersion,
    Instant wallClockStart,
    Duration punctuationInterval,
    List<FixtureStep> steps) {
  /** Rejects missing parts and a non-positive interval; copies the steps. */
  public Fixture {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(seed, "seed");
    Objects.requireNonNull(sagaType, "sagaType");
    Objects.requireNonNull(definitionVersion, "definitionVersion");
    Objects.requireNonNull(wallClockStart, "wallClockStart");
    if (punctuationInterval.isNegative() || punctuationInterval.isZero()) {
      throw new IllegalArgumentException("punctuationInterval must be positive");
    }
    steps = List.copyOf(steps);
  }

  /** This fixture with other steps (for instance the same inputs with actual outputs). */
  public Fixture withSteps(List<FixtureStep> newSteps) {
    return new Fixture(
        name,
        description,
        seed,
        sagaType,
        definitionVersion,
        wallClockStart,
        punctuationInterval,
        newSteps);
  }
}
