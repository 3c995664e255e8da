package io.sagaflow.api;

import io.sagaflow.topology.DeadLetterEntry;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A dead letter's id in the API: {@code <partition>-<offset>}, its position in saga.dlq, which
 * names it uniquely and forever (the topic is never compacted).
 */
final class LetterIds {
  private static final Pattern ID = Pattern.compile("(\\d{1,9})-(\\d{1,18})");

  /** A parsed id. */
  record LetterId(int partition, long offset) {
    @Override
    public String toString() {
      return partition + "-" + offset;
    }
  }

  private LetterIds() {}

  static String of(DeadLetterEntry e) {
    return e.dlqPartition() + "-" + e.dlqOffset();
  }

  /** Parses {@code value}; a 400 naming the expected shape otherwise. */
  static LetterId parse(String value) {
    Matcher m = ID.matcher(value);
    if (!m.matches()) {
      throw ApiProblem.badRequest(
          "A dead letter id is '<partition>-<offset>' of its record in saga.dlq, such as '0-42'"
              + " (the letterId of GET /dead-letters); got '"
              + (value.length() > 64 ? value.substring(0, 64) + "..." : value)
              + "'.");
    }
    return new LetterId(Integer.parseInt(m.group(1)), Long.parseLong(m.group(2)));
  }
}
