package io.sagaflow.replay;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A fixture that cannot be read or replayed as written. The message names the file and line when
 * they are known, the JSON location inside the fixture, and what is wrong with it.
 */
public final class FixtureFormatException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String pointer;
  private final String problem;

  /** A problem at JSON pointer {@code pointer} of a fixture not (yet) tied to a file. */
  public FixtureFormatException(String pointer, String problem) {
    super(pointer.isEmpty() ? problem : "at " + pointer + ": " + problem);
    this.pointer = pointer;
    this.problem = problem;
  }

  private FixtureFormatException(String message, String pointer, String problem, Throwable cause) {
    super(message, cause);
    this.pointer = pointer;
    this.problem = problem;
  }

  /** The same problem, located in {@code file} at {@code line} when known. */
  public FixtureFormatException in(Path file, Optional<Integer> line) {
    String where = file + line.map(l -> ":" + l).orElse("");
    String at = pointer.isEmpty() ? "" : " (at " + pointer + ")";
    return new FixtureFormatException(where + at + ": " + problem, pointer, problem, this);
  }

  /** The JSON pointer of the offending value, empty for the whole document. */
  public String pointer() {
    return pointer;
  }
}
