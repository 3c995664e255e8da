package io.sagaflow.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The dead-letter routes besides search: one letter as saga.dlq holds it, and redrive of one letter
 * or of every letter a query matches, each with a dry run. Mutating routes are saga entrypoints
 * (the route table gates them like start and cancel).
 */
final class RedriveRoutes {
  private static final Set<String> SINGLE_FIELDS = Set.of("operator", "reason", "dryRun");
  private static final Set<String> BULK_FIELDS = Set.of("operator", "reason", "dryRun", "query");
  private static final int MAX_OPERATOR = 200;
  private static final int MAX_REASON = 1000;

  private final Optional<Redriver> redriver;
  private final DeadLetterSearch search;
  private final JsonBodies bodies;

  RedriveRoutes(Optional<Redriver> redriver, DeadLetterSearch search, JsonBodies bodies) {
    this.redriver = redriver;
    this.search = search;
    this.bodies = bodies;
  }

  void show(Context ctx) {
    LetterIds.LetterId id = LetterIds.parse(ctx.pathParam("letterId"));
    ctx.json(redriver().show(id));
  }

  void redriveOne(Context ctx) {
    LetterIds.LetterId id = LetterIds.parse(ctx.pathParam("letterId"));
    JsonNode body = bodies.object(ctx);
    fields(body, SINGLE_FIELDS);
    Request r = request(body);
    List<Redriver.Outcome> outcomes =
        redriver().redrive(List.of(id), r.operator, r.reason, r.dryRun);
    Map<String, Object> out = outcome(outcomes.get(0));
    out.put("dryRun", r.dryRun);
    ctx.json(out);
  }

  void redriveBulk(Context ctx) {
    JsonNode body = bodies.object(ctx);
    fields(body, BULK_FIELDS);
    Request r = request(body);
    JsonNode queryNode = body.get("query");
    if (queryNode == null || !queryNode.isObject()) {
      throw ApiProblem.badRequest(
          "Field 'query' is required: an object with the filters of GET /dead-letters (reason,"
              + " sourceTopic, type, failedAfter, failedBefore, limit); {} selects every letter.");
    }
    Map<String, List<String>> params = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> f : queryNode.properties()) {
      if (!f.getValue().isTextual() && !f.getValue().isInt()) {
        throw ApiProblem.badRequest(
            "Field 'query." + f.getKey() + "' must be a string (limit: an integer).");
      }
      params.put(f.getKey(), List.of(f.getValue().asText()));
    }
    if (params.containsKey("cursor")) {
      throw ApiProblem.badRequest(
          "Field 'query.cursor' is not accepted: a bulk redrive takes the newest letters that"
              + " match; repeat it to take the next ones (redriven letters are skipped).");
    }
    params.putIfAbsent("limit", List.of(Integer.toString(SearchQuery.MAX_LIMIT)));
    DeadLetterQuery query = DeadLetterQuery.parse(params, "the query of a bulk redrive");
    Redriver redriver = redriver();
    Optional<String> auth = Forwarder.authorization(ctx);
    DeadLetterSearch.Page page =
        search.search(query, new Forwarder.Read(searchPath(params), auth), auth);
    List<LetterIds.LetterId> ids =
        page.items().stream().map(l -> LetterIds.parse(LetterIds.of(l.entry()))).toList();
    List<Redriver.Outcome> outcomes =
        ids.isEmpty() ? List.of() : redriver.redrive(ids, r.operator, r.reason, r.dryRun);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("dryRun", r.dryRun);
    out.put("matched", outcomes.size());
    Map<String, Long> tally = new LinkedHashMap<>();
    outcomes.forEach(o -> tally.merge(o.outcome(), 1L, Long::sum));
    out.put("outcomes", tally);
    out.put("more", page.nextCursor().isPresent());
    List<Map<String, Object>> items = new ArrayList<>();
    outcomes.forEach(o -> items.add(outcome(o)));
    out.put("items", items);
    ctx.json(out);
  }

  private static String searchPath(Map<String, List<String>> params) {
    StringBuilder qs = new StringBuilder("/dead-letters");
    char sep = '?';
    for (Map.Entry<String, List<String>> p : params.entrySet()) {
      qs.append(sep)
          .append(p.getKey())
          .append('=')
          .append(
              java.net.URLEncoder.encode(
                  p.getValue().get(0), java.nio.charset.StandardCharsets.UTF_8));
      sep = '&';
    }
    return qs.toString();
  }

  private Redriver redriver() {
    return redriver.orElseThrow(
        () ->
            ApiProblem.of(
                503,
                "redrive-unavailable",
                "Redrive unavailable",
                "This server was built without Kafka clients for redrive (RedriveClients.none());"
                    + " dead letters can be searched but not read whole or redriven here."));
  }

  private record Request(String operator, String reason, boolean dryRun) {}

  private static Request request(JsonNode body) {
    String operator = text(body, "operator", MAX_OPERATOR);
    String reason = text(body, "reason", MAX_REASON);
    JsonNode dry = body.get("dryRun");
    if (dry != null && !dry.isBoolean()) {
      throw ApiProblem.badRequest("Field 'dryRun' must be true or false.");
    }
    return new Request(operator, reason, dry != null && dry.booleanValue());
  }

  private static String text(JsonNode body, String name, int max) {
    JsonNode v = body.get(name);
    if (v == null || !v.isTextual() || v.asText().isBlank() || v.asText().length() > max) {
      throw ApiProblem.badRequest(
          "Field '"
              + name
              + "' is required: 1-"
              + max
              + " characters saying "
              + (name.equals("operator") ? "who redrives" : "why (what was fixed)")
              + "; it is recorded with the redrive.");
    }
    return v.asText();
  }

  private static void fields(JsonNode body, Set<String> allowed) {
    body.fieldNames()
        .forEachRemaining(
            f -> {
              if (!allowed.contains(f)) {
                throw ApiProblem.badRequest(
                    "Unknown field '"
                        + (f.length() > 64 ? f.substring(0, 64) + "..." : f)
                        + "'; this route accepts "
                        + new java.util.TreeSet<>(allowed)
                        + ".");
              }
            });
  }

  private static Map<String, Object> outcome(Redriver.Outcome o) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("letterId", o.letterId());
    out.put("outcome", o.outcome());
    out.put("detail", o.detail());
    out.put("record", o.record().orElse(null));
    return out;
  }
}
