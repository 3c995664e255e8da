package io.sagaflow.api;

import io.sagaflow.engine.SagaStatus;
import io.sagaflow.engine.StepStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The validated query of {@code GET /sagas}. Every parameter is checked, and each problem is a 400
 * naming the parameter and what it accepts, so a typo never silently widens a search.
 *
 * @param status only sagas in this status; empty for every status (STUCK when {@code stuckFor})
 * @param type only sagas of this type; empty for every registered type
 * @param stuckFor only STUCK sagas that have been STUCK at least this long
 * @param createdAfter only sagas created strictly after this instant
 * @param limit page size, 1-500
 * @param cursor where the previous page ended
 * @param step only sagas whose step of that name is in that status (the console's diagram links
 *     here); each candidate's state is read to check it
 */
record SearchQuery(
    Optional<SagaStatus> status,
    Optional<String> type,
    Optional<Duration> stuckFor,
    Optional<Instant> createdAfter,
    int limit,
    Optional<SearchCursor> cursor,
    Optional<StepFilter> step) {

  /**
   * A step and the status it must be in.
   *
   * @param name the step's name
   * @param status the step's status; empty for "being worked on": awaiting a reply, a retry, a
   *     compensation, or failed, in a saga that has not ended
   */
  record StepFilter(String name, Optional<StepStatus> status) {}

  static final int DEFAULT_LIMIT = 50;
  static final int MAX_LIMIT = 500;
  private static final int MAX_CURSOR = 512;
  private static final Set<String> PARAMETERS =
      Set.of("status", "type", "stuckFor", "createdAfter", "limit", "cursor", "step", "stepStatus");
  private static final Pattern TYPE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");

  /**
   * Parses the query parameters of a request; throws a 400 {@link ApiProblem} on the first fault.
   */
  static SearchQuery parse(Map<String, List<String>> params) {
    for (Map.Entry<String, List<String>> p : params.entrySet()) {
      if (!PARAMETERS.contains(p.getKey())) {
        throw ApiProblem.badRequest(
            "Unknown query parameter '"
                + shorten(p.getKey())
                + "'; GET /sagas accepts status, type, stuckFor, createdAfter, step, stepStatus,"
                + " limit and cursor.");
      }
      if (p.getValue().size() > 1) {
        throw ApiProblem.badRequest(
            "Query parameter '"
                + p.getKey()
                + "' may be given once; it was given "
                + p.getValue().size()
                + " times.");
      }
    }
    Optional<SagaStatus> status = one(params, "status").map(SearchQuery::status);
    Optional<String> type = one(params, "type").map(SearchQuery::type);
    Optional<Duration> stuckFor = one(params, "stuckFor").map(SearchQuery::stuckFor);
    if (stuckFor.isPresent() && status.filter(s -> s != SagaStatus.STUCK).isPresent()) {
      throw ApiProblem.badRequest(
          "Query parameter 'stuckFor' selects STUCK sagas and cannot be combined with status="
              + status.get()
              + "; leave status out or set it to STUCK.");
    }
    Optional<Instant> createdAfter =
        one(params, "createdAfter").map(v -> instant("createdAfter", v));
    int limit = one(params, "limit").map(SearchQuery::limit).orElse(DEFAULT_LIMIT);
    Optional<String> stepName = one(params, "step").map(v -> name("step", v));
    Optional<StepStatus> stepStatus = one(params, "stepStatus").map(SearchQuery::stepStatus);
    if (stepStatus.isPresent() && stepName.isEmpty()) {
      throw ApiProblem.badRequest(
          "Query parameter 'stepStatus' needs 'step': it says which status that step must be in.");
    }
    Optional<StepFilter> step = stepName.map(n -> new StepFilter(n, stepStatus));
    SearchQuery withoutCursor =
        new SearchQuery(status, type, stuckFor, createdAfter, limit, Optional.empty(), step);
    Optional<SearchCursor> cursor =
        one(params, "cursor").map(c -> cursor(c, withoutCursor.filterHash()));
    return new SearchQuery(status, type, stuckFor, createdAfter, limit, cursor, step);
  }

  /** The statuses to scan: the one asked for, STUCK for {@code stuckFor}, else all of them. */
  List<SagaStatus> statuses() {
    return status
        .map(List::of)
        .orElseGet(
            () ->
                stuckFor.isPresent()
                    ? List.of(SagaStatus.STUCK)
                    : Arrays.asList(SagaStatus.values()));
  }

  /**
   * A digest of the filters (not the limit or cursor), carried in the cursor so that a cursor is
   * only accepted with the filters of the search that issued it.
   */
  long filterHash() {
    String canonical =
        "status="
            + status.map(Enum::name).orElse("")
            + "&type="
            + type.orElse("")
            + "&stuckFor="
            + stuckFor.map(Duration::toString).orElse("")
            + "&createdAfter="
            + createdAfter.map(Instant::toString).orElse("")
            + step.map(
                    f ->
                        "&step="
                            + f.name()
                            + "&stepStatus="
                            + f.status().map(Enum::name).orElse(""))
                .orElse("");
    return SearchCursor.digest(canonical);
  }

  private static Optional<String> one(Map<String, List<String>> params, String name) {
    return Optional.ofNullable(params.get(name)).filter(v -> !v.isEmpty()).map(v -> v.get(0));
  }

  private static SagaStatus status(String value) {
    try {
      return SagaStatus.valueOf(value);
    } catch (IllegalArgumentException e) {
      throw ApiProblem.badRequest(
          "Query parameter 'status' must be one of "
              + Arrays.toString(SagaStatus.values())
              + "; got '"
              + shorten(value)
              + "'.");
    }
  }

  private static StepStatus stepStatus(String value) {
    try {
      return StepStatus.valueOf(value);
    } catch (IllegalArgumentException e) {
      throw ApiProblem.badRequest(
          "Query parameter 'stepStatus' must be one of "
              + Arrays.toString(StepStatus.values())
              + "; got '"
              + shorten(value)
              + "'.");
    }
  }

  private static String name(String parameter, String value) {
    if (!TYPE.matcher(value).matches()) {
      throw ApiProblem.badRequest(
          "Query parameter '"
              + parameter
              + "' must be a step name: 1-128 characters of letters, digits, '.', '_', ':' or"
              + " '-', starting with a letter or digit; got '"
              + shorten(value)
              + "'.");
    }
    return value;
  }

  private static String type(String value) {
    if (!TYPE.matcher(value).matches()) {
      throw ApiProblem.badRequest(
          "Query parameter 'type' must be a saga type: 1-128 characters of letters, digits, '.',"
              + " '_', ':' or '-', starting with a letter or digit; got '"
              + shorten(value)
              + "'.");
    }
    return value;
  }

  private static Duration stuckFor(String value) {
    Duration duration;
    try {
      duration = Duration.parse(value);
    } catch (DateTimeParseException e) {
      throw ApiProblem.badRequest(
          "Query parameter 'stuckFor' must be an ISO-8601 duration such as PT15M or P1D; got '"
              + shorten(value)
              + "'.");
    }
    if (duration.isNegative()) {
      throw ApiProblem.badRequest(
          "Query parameter 'stuckFor' must not be negative; got '" + shorten(value) + "'.");
    }
    return duration;
  }

  /** {@code value} of query parameter {@code name} as an instant, or a 400 that says why not. */
  static Instant instant(String name, String value) {
    try {
      return OffsetDateTime.parse(value).toInstant();
    } catch (DateTimeParseException e) {
      throw ApiProblem.badRequest(
          "Query parameter '"
              + name
              + "' must be an ISO-8601 instant with an offset, such as 2026-11-25T10:00:00Z; got '"
              + shorten(value)
              + "'.");
    }
  }

  /** A page size from 1 to {@link #MAX_LIMIT}, or a 400 that says what is allowed. */
  static int limit(String value) {
    int limit;
    try {
      limit = Integer.parseInt(value);
    } catch (NumberFormatException e) {
      limit = -1;
    }
    if (limit < 1 || limit > MAX_LIMIT) {
      throw ApiProblem.badRequest(
          "Query parameter 'limit' must be an integer from 1 to "
              + MAX_LIMIT
              + "; got '"
              + shorten(value)
              + "'.");
    }
    return limit;
  }

  private static SearchCursor cursor(String value, long filterHash) {
    if (value.length() > MAX_CURSOR) {
      throw ApiProblem.badRequest(
          "Query parameter 'cursor' is longer than "
              + MAX_CURSOR
              + " characters; pass the nextCursor of the previous page as it was.");
    }
    SearchCursor cursor = SearchCursor.decode(value);
    if (cursor.filterHash() != filterHash) {
      throw ApiProblem.badRequest(
          "Query parameter 'cursor' belongs to a search with other filters; page with the same"
              + " status, type, stuckFor and createdAfter, or start again without a cursor.");
    }
    return cursor;
  }

  /** {@code value} cut to 64 characters for an error message, so an answer stays short. */
  static String shorten(String value) {
    return value.length() > 64 ? value.substring(0, 64) + "..." : value;
  }
}
