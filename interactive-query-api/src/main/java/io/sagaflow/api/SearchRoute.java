package io.sagaflow.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.sagaflow.engine.SagaDefinition;
import io.sagaflow.engine.SagaRegistry;
import io.sagaflow.topology.SagaIndex;
import io.sagaflow.topology.SagaTopics;
import io.sagaflow.topology.SagaTopology;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * {@code GET /sagas}: one page of the sagas matching the filters, across every instance. A request
 * carrying the forwarding header is answered from this instance's partitions only, with the
 * partitions it read, so the asking instance can check that every partition answered once.
 */
final class SearchRoute {
  private final FanOut fanOut;
  private final LocalSearch local;
  private final List<String> registeredTypes;
  private final ObjectMapper mapper;

  SearchRoute(FanOut fanOut, LocalSearch local, SagaRegistry registry, ObjectMapper mapper) {
    this.fanOut = fanOut;
    this.local = local;
    this.registeredTypes =
        List.copyOf(new TreeSet<>(registry.all().stream().map(SagaDefinition::type).toList()));
    this.mapper = mapper;
  }

  void handle(Context ctx) {
    SearchQuery query = SearchQuery.parse(ctx.queryParamMap());
    Instant now = Instant.now();
    // One more than a page from every source tells whether another page exists.
    int want = query.limit() + 1;
    Function<Set<Integer>, Partial<SagaIndex.Entry>> mine =
        partitions -> local.search(query, partitions, registeredTypes, now, want);
    if (ctx.header(Forwarder.HEADER) != null) {
      Partial<SagaIndex.Entry> part = fanOut.localOnly(SagaTopics.REQUESTS, "Search", mine);
      ctx.json(page(part.items(), null, part.partitions()));
      return;
    }
    String queryString = ctx.queryString();
    List<Partial<SagaIndex.Entry>> parts =
        fanOut.gather(
            SagaTopology.INDEX_STORE,
            SagaTopics.REQUESTS,
            "Search",
            Forwarder.Read.of(ctx, "/sagas" + (queryString == null ? "" : "?" + queryString)),
            mine,
            this::parse);
    List<SagaIndex.Entry> merged =
        Partial.merge(parts.stream().map(Partial::items).toList(), LocalSearch.ORDER, want);
    List<SagaIndex.Entry> items = merged.subList(0, Math.min(query.limit(), merged.size()));
    String next =
        merged.size() > query.limit()
            ? new SearchCursor(
                    items.get(items.size() - 1).createdAt(),
                    items.get(items.size() - 1).sagaId(),
                    query.filterHash())
                .encode()
            : null;
    ctx.json(page(items, next, null));
  }

  private static Map<String, Object> page(
      List<SagaIndex.Entry> items, String nextCursor, Set<Integer> partitions) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("items", items.stream().map(SearchRoute::summary).toList());
    body.put("nextCursor", nextCursor);
    if (partitions != null) {
      body.put("partitions", partitions);
    }
    return body;
  }

  private static Map<String, Object> summary(SagaIndex.Entry e) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("sagaId", e.sagaId());
    out.put("sagaType", e.sagaType());
    out.put("status", e.status());
    out.put("createdAt", e.createdAt().toString());
    out.put("statusSince", e.statusSince().toString());
    out.put("statusUrl", "/sagas/" + e.sagaId());
    return out;
  }

  private Partial<SagaIndex.Entry> parse(String body) {
    try {
      JsonNode page = mapper.readTree(body);
      List<SagaIndex.Entry> items = new ArrayList<>();
      for (JsonNode item : page.get("items")) {
        items.add(
            new SagaIndex.Entry(
                item.get("status").asText(),
                item.get("sagaType").asText(),
                Instant.parse(item.get("createdAt").asText()),
                item.get("sagaId").asText(),
                Instant.parse(item.get("statusSince").asText())));
      }
      return new Partial<>(partitions(page), items);
    } catch (IOException e) {
      throw new UncheckedIOException("Another instance answered a search with invalid JSON", e);
    }
  }

  static Set<Integer> partitions(JsonNode page) {
    Set<Integer> partitions = new TreeSet<>();
    page.get("partitions").forEach(p -> partitions.add(p.asInt()));
    return partitions;
  }
}
