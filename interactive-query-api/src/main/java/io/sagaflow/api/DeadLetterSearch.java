package io.sagaflow.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.sagaflow.topology.DeadLetterEntry;
import io.sagaflow.topology.SagaTopics;
import io.sagaflow.topology.SagaTopology;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code GET /dead-letters}: dead letters across sagas, newest first, from every instance's
 * partitions of saga-dead-letters, filtered and paged like the saga search. Each instance scans its
 * partitions whole (the store is keyed by saga id, bounded at 50 letters per saga); the saga type
 * of a letter comes from its saga's state, read like {@code GET /sagas/{sagaId}}.
 */
final class DeadLetterSearch {
  /** Newest first; the dlq position breaks ties and makes the order total. */
  static final Comparator<Letter> ORDER =
      Comparator.comparing((Letter l) -> l.entry().failedAt())
          .reversed()
          .thenComparingInt(l -> l.entry().dlqPartition())
          .thenComparingLong(l -> l.entry().dlqOffset());

  private static final org.apache.kafka.common.utils.Bytes ALL_FROM =
      org.apache.kafka.common.utils.Bytes.wrap(new byte[0]);
  // Keys start with a saga id in UTF-8, which never has a 0xFF byte.
  private static final org.apache.kafka.common.utils.Bytes ALL_TO =
      org.apache.kafka.common.utils.Bytes.wrap(new byte[] {(byte) 0xFF});

  /** A letter with the type of its saga, when the saga has a state. */
  record Letter(DeadLetterEntry entry, Optional<String> sagaType) {}

  private final FanOut fanOut;
  private final RangeScanner store;
  private final SagaLookup lookup;
  private final ObjectMapper mapper;

  DeadLetterSearch(FanOut fanOut, RangeScanner store, SagaLookup lookup, ObjectMapper mapper) {
    this.fanOut = fanOut;
    this.store = store;
    this.lookup = lookup;
    this.mapper = mapper;
  }

  void handle(Context ctx) {
    DeadLetterQuery query = DeadLetterQuery.parse(ctx.queryParamMap(), "GET /dead-letters");
    Optional<String> auth = Forwarder.authorization(ctx);
    if (ctx.header(Forwarder.HEADER) != null) {
      Partial<Letter> part =
          fanOut.localOnly(
              SagaTopics.DLQ,
              "The dead-letter search",
              p -> local(query, p, query.limit() + 1, auth));
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("items", part.items().stream().map(DeadLetterSearch::json).toList());
      body.put("partitions", part.partitions());
      ctx.json(body);
      return;
    }
    String qs = ctx.queryString();
    Page page =
        search(query, Forwarder.Read.of(ctx, "/dead-letters" + (qs == null ? "" : "?" + qs)), auth);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("items", page.items().stream().map(DeadLetterSearch::json).toList());
    body.put("nextCursor", page.nextCursor().orElse(null));
    ctx.json(body);
  }

  /** One page of matches and the cursor of the next, if any. */
  record Page(List<Letter> items, Optional<String> nextCursor) {}

  /** One page of {@code query} across every instance; {@code read} repeats it elsewhere. */
  Page search(DeadLetterQuery query, Forwarder.Read read, Optional<String> auth) {
    int want = query.limit() + 1;
    List<Partial<Letter>> parts =
        fanOut.gather(
            SagaTopology.DEAD_LETTER_STORE,
            SagaTopics.DLQ,
            "The dead-letter search",
            read,
            p -> local(query, p, want, auth),
            this::parse);
    List<Letter> merged = Partial.merge(parts.stream().map(Partial::items).toList(), ORDER, want);
    List<Letter> items = new ArrayList<>(merged.subList(0, Math.min(query.limit(), merged.size())));
    Map<String, Optional<String>> types = new HashMap<>();
    items.replaceAll(
        l ->
            l.sagaType().isPresent()
                ? l
                : new Letter(l.entry(), typeOf(l.entry().sagaId(), auth, types)));
    Optional<String> next =
        merged.size() > query.limit()
            ? Optional.of(
                new SearchCursor(
                        items.get(items.size() - 1).entry().failedAt(),
                        LetterIds.of(items.get(items.size() - 1).entry()),
                        query.filterHash())
                    .encode())
            : Optional.empty();
    return new Page(items, next);
  }

  /** Every letter in this instance's {@code partitions} at {@code id}, if it is here. */
  Optional<Letter> find(LetterIds.LetterId id, Set<Integer> partitions, Optional<String> auth) {
    if (!partitions.contains(id.partition())) {
      return Optional.empty();
    }
    List<DeadLetterEntry> found = new ArrayList<>();
    store.scan(
        id.partition(),
        ALL_FROM,
        ALL_TO,
        kv -> {
          DeadLetterEntry e = DeadLetterEntry.decode(kv.key, kv.value);
          if (e.dlqOffset() == id.offset()) {
            found.add(e);
            return false;
          }
          return true;
        });
    return found.stream()
        .findFirst()
        .map(e -> new Letter(e, typeOf(e.sagaId(), auth, new HashMap<>())));
  }

  private Partial<Letter> local(
      DeadLetterQuery query, Set<Integer> partitions, int want, Optional<String> auth) {
    List<Letter> candidates = new ArrayList<>();
    for (int partition : partitions) {
      store.scan(
          partition,
          ALL_FROM,
          ALL_TO,
          kv -> {
            DeadLetterEntry e = DeadLetterEntry.decode(kv.key, kv.value);
            if (query.matchesStored(e)) {
              candidates.add(new Letter(e, Optional.empty()));
            }
            return true;
          });
    }
    candidates.sort(ORDER);
    Optional<Letter> after =
        query
            .cursor()
            .map(
                c -> {
                  LetterIds.LetterId id = LetterIds.parse(c.sagaId());
                  return new Letter(
                      new DeadLetterEntry(
                          "",
                          "",
                          "",
                          "",
                          0,
                          0,
                          c.createdAt(),
                          id.partition(),
                          id.offset(),
                          Optional.empty()),
                      Optional.empty());
                });
    Map<String, Optional<String>> types = new HashMap<>();
    List<Letter> out = new ArrayList<>();
    for (Letter l : candidates) {
      if (out.size() >= want) {
        break;
      }
      if (after.isPresent() && ORDER.compare(l, after.get()) <= 0) {
        continue;
      }
      if (query.type().isPresent()) {
        Optional<String> type = typeOf(l.entry().sagaId(), auth, types);
        if (!type.equals(query.type())) {
          continue;
        }
        out.add(new Letter(l.entry(), type));
      } else {
        out.add(l);
      }
    }
    return new Partial<>(partitions, out);
  }

  private Optional<String> typeOf(
      String sagaId, Optional<String> auth, Map<String, Optional<String>> cache) {
    return cache.computeIfAbsent(sagaId, id -> lookupType(id, auth));
  }

  private Optional<String> lookupType(String sagaId, Optional<String> auth) {
    SagaLookup.Answer answer;
    try {
      answer = lookup.find(sagaId, false, auth);
    } catch (ApiProblem e) {
      if (e.status() == 404) {
        return Optional.empty();
      }
      throw e;
    }
    if (answer instanceof SagaLookup.Local local) {
      return Optional.of(String.valueOf(local.body().get("sagaType")));
    }
    Forwarder.Answer forwarded = ((SagaLookup.Forwarded) answer).answer();
    if (forwarded.status() == 404) {
      return Optional.empty();
    }
    if (forwarded.status() != 200) {
      throw ApiProblem.unavailable(
          "store-unavailable",
          "The saga type of dead letters of saga "
              + sagaId
              + " could not be read (its owner answered "
              + forwarded.status()
              + "). Retry shortly.",
          1);
    }
    try {
      return Optional.of(mapper.readTree(forwarded.body()).get("sagaType").asText());
    } catch (IOException e) {
      throw new UncheckedIOException("The saga's owner answered its status with invalid JSON", e);
    }
  }

  static Map<String, Object> json(Letter l) {
    DeadLetterEntry e = l.entry();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("letterId", LetterIds.of(e));
    out.put("sagaId", e.sagaId());
    out.put("sagaType", l.sagaType().orElse(null));
    out.putAll(DeadLettersRoute.entry(e));
    return out;
  }

  private Partial<Letter> parse(String json) {
    try {
      JsonNode body = mapper.readTree(json);
      List<Letter> items = new ArrayList<>();
      for (JsonNode e : body.get("items")) {
        JsonNode type = e.get("sagaType");
        items.add(
            new Letter(
                DeadLettersRoute.entryOf(e.get("sagaId").asText(), e),
                type == null || type.isNull() ? Optional.empty() : Optional.of(type.asText())));
      }
      return new Partial<>(SearchRoute.partitions(body), items);
    } catch (IOException e) {
      throw new UncheckedIOException("Another instance answered dead letters with invalid JSON", e);
    }
  }
}
