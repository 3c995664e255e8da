package io.sagaflow.replay;

import java.util.List;

/**
 * One output that differs from what the fixture expects.
 *
 * @param step index of the step in the fixture
 * @param output index of the output within the step
 * @param topic the topic of the expected output (or the actual one when none was expected)
 * @param differences one readable line per difference
 */
public record Mismatch(int step, int output, String topic, List<String> differences) {
  /** Copies the differences. */
  public Mismatch {
    differences = List.copyOf(differences);
  }

  @Override
  public String toString() {
    StringBuilder text =
        new StringBuilder("step ")
            .append(step)
            .append(", output ")
            .append(output)
            .append(" (")
            .append(topic)
            .append("):");
    differences.forEach(d -> text.append("\n    ").append(d));
    return text.toString();
  }
}
