package io.sagaflow.api;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the health routes show of an exception: the class of the failure and of its innermost cause,
 * and the messages only of those Kafka wrote. Kafka's messages say where something failed (task,
 * topic, partition, offset, the broker's reason); the few places where Kafka appends a record or a
 * stack trace are cut off. Other messages (ours, a saga module's, a library's) may quote the input
 * that caused them, as a parser's "unexpected token" does, so they are left to the log, which has
 * the whole exception.
 *
 * @param exception the failure's class name
 * @param message its message, when it is Kafka's
 * @param rootCause the innermost cause as {@code class} or {@code class: message}, when the failure
 *     has a cause
 */
public record FailureSummary(
    String exception, Optional<String> message, Optional<String> rootCause) {
  /** Longest message shown; Kafka's stay well under it, anything longer is cut. */
  static final int MAX_MESSAGE_CHARS = 300;

  // Where Kafka appends what must not be shown: a stack trace (whose first line repeats the
  // cause's message) or a record with its key and value.
  private static final Pattern CUT =
      Pattern.compile("(?i)stacktrace=|producerrecord\\(|consumerrecord\\(|\\bkey=|\\bvalue=");
  private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}+");
  private static final int MAX_DEPTH = 32;

  /** Rejects missing parts. */
  public FailureSummary {
    Objects.requireNonNull(exception, "exception");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(rootCause, "rootCause");
  }

  /** The summary of {@code failure}. */
  public static FailureSummary of(Throwable failure) {
    Objects.requireNonNull(failure, "failure");
    Throwable root = rootOf(failure);
    return new FailureSummary(
        failure.getClass().getName(),
        shownMessage(failure),
        root == failure
            ? Optional.empty()
            : Optional.of(
                shownMessage(root)
                    .map(m -> root.getClass().getName() + ": " + m)
                    .orElse(root.getClass().getName())));
  }

  /** One line for a detail or a log: {@code class: message (root cause: class: message)}. */
  public String oneLine() {
    return exception
        + message.map(m -> ": " + m).orElse("")
        + rootCause.map(c -> " (root cause: " + c + ")").orElse("");
  }

  private static Throwable rootOf(Throwable failure) {
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    Throwable current = failure;
    while (current.getCause() != null && seen.add(current) && seen.size() < MAX_DEPTH) {
      current = current.getCause();
    }
    return current;
  }

  private static Optional<String> shownMessage(Throwable failure) {
    String message = failure.getMessage();
    if (message == null || !failure.getClass().getName().startsWith("org.apache.kafka.")) {
      return Optional.empty();
    }
    // Kafka puts what follows "due to:" or a stack trace on the next lines; the cause shows it.
    String text = message.lines().findFirst().orElse("");
    Matcher cut = CUT.matcher(text);
    if (cut.find()) {
      text = text.substring(0, cut.start());
    }
    text = CONTROL.matcher(text).replaceAll(" ").strip();
    if (text.endsWith(",")) {
      text = text.substring(0, text.length() - 1);
    }
    if (text.length() > MAX_MESSAGE_CHARS) {
      text = text.substring(0, MAX_MESSAGE_CHARS) + "...";
    }
    return text.isEmpty() ? Optional.empty() : Optional.of(text);
  }
}
