package io.sagaflow.api;

import io.sagaflow.contract.DeadLetterReason;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The validated filters of a search over dead letters ({@code GET /dead-letters}, and the query of
 * a bulk redrive). Each fault is a 400 naming the parameter and what it accepts.
 *
 * @param reason only letters with this reason
 * @param sourceTopic only letters of inputs read from this topic
 * @param type only letters of sagas of this type (letters whose saga has no state never match)
 * @param failedAfter only letters that failed at or after this instant
 * @param failedBefore only letters that failed strictly before this instant
 * @param limit page size, 1-500
 * @param cursor where the previous page ended
 */
record DeadLetterQuery(
    Optional<String> reason,
    Optional<String> sourceTopic,
    Optional<String> type,
    Optional<Instant> failedAfter,
    Optional<Instant> failedBefore,
    int limit,
    Optional<SearchCursor> cursor) {
  static final Set<String> FILTERS =
      Set.of("reason", "sourceTopic", "type", "failedAfter", "failedBefore");
  private static final Set<String> PARAMETERS =
      Set.of("reason", "sourceTopic", "type", "failedAfter", "failedBefore", "limit", "cursor");
  private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9._-]{1,249}");
  private static final Pattern TYPE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");

  /** Parses query parameters (or a bulk redrive's query object, as single values). */
  static DeadLetterQuery parse(Map<String, List<String>> params, String route) {
    for (Map.Entry<String, List<String>> p : params.entrySet()) {
      if (!PARAMETERS.contains(p.getKey())) {
        throw ApiProblem.badRequest(
            "Unknown parameter '"
                + SearchQuery.shorten(p.getKey())
                + "'; "
                + route
                + " accepts reason, sourceTopic, type, failedAfter, failedBefore, limit and"
                + " cursor.");
      }
      if (p.getValue().size() != 1) {
        throw ApiProblem.badRequest(
            "Parameter '"
                + p.getKey()
                + "' may be given once; it was given "
                + p.getValue().size()
                + " times.");
      }
    }
    Optional<String> reason = one(params, "reason").map(DeadLetterQuery::reason);
    Optional<String> topic =
        one(params, "sourceTopic").map(v -> matching(v, TOPIC, "sourceTopic", "a topic name"));
    Optional<String> type = one(params, "type").map(v -> matching(v, TYPE, "type", "a saga type"));
    Optional<Instant> after =
        one(params, "failedAfter").map(v -> SearchQuery.instant("failedAfter", v));
    Optional<Instant> before =
        one(params, "failedBefore").map(v -> SearchQuery.instant("failedBefore", v));
    if (after.isPresent() && before.isPresent() && !after.get().isBefore(before.get())) {
      throw ApiProblem.badRequest(
          "Parameter 'failedAfter' must be before 'failedBefore'; the range "
              + after.get()
              + " .. "
              + before.get()
              + " is empty.");
    }
    int limit = one(params, "limit").map(SearchQuery::limit).orElse(SearchQuery.DEFAULT_LIMIT);
    DeadLetterQuery bare =
        new DeadLetterQuery(reason, topic, type, after, before, limit, Optional.empty());
    Optional<SearchCursor> cursor = one(params, "cursor").map(c -> cursor(c, bare.filterHash()));
    return new DeadLetterQuery(reason, topic, type, after, before, limit, cursor);
  }

  /** Whether {@code e} passes every filter but the type. */
  boolean matchesStored(io.sagaflow.topology.DeadLetterEntry e) {
    return reason.map(e.reason()::equals).orElse(true)
        && sourceTopic.map(e.sourceTopic()::equals).orElse(true)
        && failedAfter.map(t -> !e.failedAt().isBefore(t)).orElse(true)
        && failedBefore.map(e.failedAt()::isBefore).orElse(true);
  }

  /** A digest of the filters, carried in the cursor. */
  long filterHash() {
    return SearchCursor.digest(
        "dead-letters?reason="
            + reason.orElse("")
            + "&sourceTopic="
            + sourceTopic.orElse("")
            + "&type="
            + type.orElse("")
            + "&failedAfter="
            + failedAfter.map(Instant::toString).orElse("")
            + "&failedBefore="
            + failedBefore.map(Instant::toString).orElse(""));
  }

  private static Optional<String> one(Map<String, List<String>> params, String name) {
    return Optional.ofNullable(params.get(name)).filter(v -> !v.isEmpty()).map(v -> v.get(0));
  }

  private static String reason(String value) {
    List<String> known =
        Arrays.stream(DeadLetterReason.values())
            .map(Enum::name)
            .filter(n -> !n.equals("UNKNOWN"))
            .toList();
    if (!known.contains(value)) {
      throw ApiProblem.badRequest(
          "Parameter 'reason' must be one of "
              + known
              + "; got '"
              + SearchQuery.shorten(value)
              + "'.");
    }
    return value;
  }

  private static String matching(String value, Pattern pattern, String name, String what) {
    if (!pattern.matcher(value).matches()) {
      throw ApiProblem.badRequest(
          "Parameter '"
              + name
              + "' must be "
              + what
              + "; got '"
              + SearchQuery.shorten(value)
              + "'.");
    }
    return value;
  }

  private static SearchCursor cursor(String value, long filterHash) {
    if (value.length() > 512) {
      throw ApiProblem.badRequest(
          "Parameter 'cursor' is longer than 512 characters; pass the nextCursor of the previous"
              + " page as it was.");
    }
    SearchCursor cursor = SearchCursor.decode(value);
    if (cursor.filterHash() != filterHash) {
      throw ApiProblem.badRequest(
          "Parameter 'cursor' belongs to a search with other filters; page with the same reason,"
              + " sourceTopic, type, failedAfter and failedBefore, or start again without a"
              + " cursor.");
    }
    return cursor;
  }
}
