package io.sagaflow.chaos;

import java.io.PrintStream;
import java.util.Locale;

/** The run's lines on standard output, each prefixed so they stand apart from the verifier's. */
final class Console {
  private final PrintStream out;
  private final String prefix;
  private final long began = System.nanoTime();

  Console(PrintStream out) {
    this(out, "chaos");
  }

  /** Lines prefixed with {@code label}, padded so the text of every line starts in one column. */
  Console(PrintStream out, String label) {
    this.out = out;
    this.prefix = String.format(Locale.ROOT, "%-10s", label);
  }

  PrintStream out() {
    return out;
  }

  /** One line, formatted in the root locale; safe from any thread. */
  void say(String format, Object... args) {
    synchronized (out) {
      out.println(prefix + String.format(Locale.ROOT, format, args));
      out.flush();
    }
  }

  /** Seconds since the run began. */
  double elapsedSeconds() {
    return (System.nanoTime() - began) / 1e9;
  }
}
