package io.sagaflow.replay;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One step of a replay: first the wall clock moves forward by {@code advance} (due timers fire on
 * the way, as the punctuator would fire them), then {@code input} is piped in, if there is one. The
 * outputs are every record the topology wrote during the step, ordered by topic name and, within a
 * topic, in the order written.
 *
 * @param advance how far the wall clock moves before the input; zero or more
 * @param input the input record; empty for a step that only lets time pass
 * @param outputs the expected outputs of the step
 */
public record FixtureStep(
    Duration advance, Optional<FixtureRecord> input, List<FixtureRecord> outputs) {
  /** Rejects a negative advance; copies the outputs. */
  public FixtureStep {
    Objects.requireNonNull(advance, "advance");
    Objects.requireNonNull(input, "input");
    if (advance.isNegative()) {
      throw new IllegalArgumentException("advance must not be negative: " + advance);
    }
    outputs = List.copyOf(outputs);
  }

  /** A step that pipes {@code input} after {@code advance}, with no expected outputs yet. */
  public static FixtureStep input(Duration advance, FixtureRecord input) {
    return new FixtureStep(advance, Optional.of(input), List.of());
  }

  /** A step that only moves the wall clock, with no expected outputs yet. */
  public static FixtureStep tick(Duration advance) {
    return new FixtureStep(advance, Optional.empty(), List.of());
  }

  /** This step expecting {@code actual} instead. */
  public FixtureStep withOutputs(List<FixtureRecord> actual) {
    return new FixtureStep(advance, input, actual);
  }
}
