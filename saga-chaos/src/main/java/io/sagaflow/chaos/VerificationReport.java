package io.sagaflow.chaos;

import java.io.PrintStream;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What the verifier found: the figures of the run and every violation. It passed when there is no
 * violation.
 *
 * @param figures one line per figure, for people and for docs/reliability.md
 * @param violations every rule broken, in the order checked
 * @param suspects the first few sagas a violation names, whose record is worth reading
 * @param stories for suspects, the committed events, commands and replies in time order
 */
public record VerificationReport(
    List<String> figures,
    List<Violation> violations,
    List<String> suspects,
    Map<String, List<String>> stories) {
  /** Violations of one kind printed before the rest are summed up as a count. */
  static final int SHOWN_PER_KIND = 20;

  /** Copies the lists. */
  public VerificationReport {
    figures = List.copyOf(figures);
    violations = List.copyOf(violations);
    suspects = List.copyOf(suspects);
    stories = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(stories));
  }

  /** This report with the suspects' stories told. */
  VerificationReport withStories(Map<String, List<String>> told) {
    return new VerificationReport(figures, violations, suspects, told);
  }

  /** True when no rule was broken. */
  public boolean passed() {
    return violations.isEmpty();
  }

  /** Violations of {@code kind}. */
  public List<Violation> violations(Violation.Kind kind) {
    return violations.stream().filter(v -> v.kind() == kind).toList();
  }

  /** Prints the figures, the verdict and the violations, at most 20 of each kind. */
  public void print(PrintStream out) {
    figures.forEach(line -> out.println("verifier  " + line));
    if (passed()) {
      out.println("verifier  PASSED: no violation");
      return;
    }
    out.println("verifier  FAILED: " + violations.size() + " violation(s)");
    Map<Violation.Kind, Integer> shown = new EnumMap<>(Violation.Kind.class);
    for (Violation violation : violations) {
      int n = shown.merge(violation.kind(), 1, Integer::sum);
      if (n <= SHOWN_PER_KIND) {
        out.println("  " + violation);
      }
    }
    shown.forEach(
        (kind, n) -> {
          if (n > SHOWN_PER_KIND) {
            out.println("  " + kind + ": ... and " + (n - SHOWN_PER_KIND) + " more");
          }
        });
    stories.forEach(
        (sagaId, lines) -> {
          out.println("verifier  the committed record of " + sagaId + " (UTC):");
          lines.forEach(line -> out.println("  " + line));
        });
    out.flush();
  }
}
