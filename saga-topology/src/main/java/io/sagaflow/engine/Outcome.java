package io.sagaflow.engine;

import java.util.Objects;
import java.util.Optional;

/** What a participant reports about one command. */
public sealed interface Outcome {

  /**
   * The command took effect.
   *
   * @param result the typed reply result, mapped onto the data by the step's reply mapping
   */
  record Succeeded(Optional<Object> result) implements Outcome {
    /** Rejects a missing optional. */
    public Succeeded {
      Objects.requireNonNull(result, "result");
    }

    /** A success without a result. */
    public static Succeeded empty() {
      return new Succeeded(Optional.empty());
    }
  }

  /**
   * The command was refused for a business reason and had no effect; retrying will not help.
   *
   * @param code participant error code
   * @param message detail for people
   */
  record BusinessFailure(String code, String message) implements Outcome {
    /** Rejects missing parts. */
    public BusinessFailure {
      Objects.requireNonNull(code, "code");
      Objects.requireNonNull(message, "message");
    }
  }

  /**
   * The command failed transiently and had no effect; another attempt may succeed unless the step's
   * policy lists {@code code} as non-retriable.
   *
   * @param code participant error code
   * @param message detail for people
   */
  record RetriableFailure(String code, String message) implements Outcome {
    /** Rejects missing parts. */
    public RetriableFailure {
      Objects.requireNonNull(code, "code");
      Objects.requireNonNull(message, "message");
    }
  }
}
