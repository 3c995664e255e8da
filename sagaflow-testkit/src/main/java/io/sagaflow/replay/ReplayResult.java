package io.sagaflow.replay;

import java.util.ArrayList;
import java.util.List;

/**
 * What a replay produced: the actual outputs of every step and how they differ from the fixture.
 *
 * @param fixture the fixture replayed
 * @param actual the actual outputs, one list per step
 * @param mismatches every difference; empty when the replay matches byte for byte
 */
public record ReplayResult(
    Fixture fixture, List<List<CapturedRecord>> actual, List<Mismatch> mismatches) {
  /** Copies the lists. */
  public ReplayResult {
    actual = actual.stream().map(List::copyOf).toList();
    mismatches = List.copyOf(mismatches);
  }

  /** Whether every output matched. */
  public boolean passed() {
    return mismatches.isEmpty();
  }

  /** The fixture with the actual outputs as its expectations: what recording writes. */
  public Fixture actualFixture() {
    List<FixtureStep> steps = new ArrayList<>();
    for (int i = 0; i < fixture.steps().size(); i++) {
      steps.add(
          fixture
              .steps()
              .get(i)
              .withOutputs(actual.get(i).stream().map(CapturedRecord::record).toList()));
    }
    return fixture.withSteps(steps);
  }

  /** A readable report: PASS, or FAIL with one block per mismatch. */
  public String report() {
    if (passed()) {
      return "PASS " + fixture.name();
    }
    StringBuilder text =
        new StringBuilder("FAIL ")
            .append(fixture.name())
            .append(": ")
            .append(mismatches.size())
            .append(mismatches.size() == 1 ? " mismatch" : " mismatches");
    mismatches.forEach(m -> text.append("\n  ").append(m));
    return text.toString();
  }
}
