package io.sagaflow.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.sagaflow.topology.DeadLetterEntry;
import io.sagaflow.topology.SagaTopics;
import io.sagaflow.topology.SagaTopology;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * {@code GET /sagas/{sagaId}/dead-letters}: the saga's records in saga.dlq, oldest first, gathered
 * from every instance (a saga's dead letters may sit on any partition of saga.dlq), never with
 * their original bytes.
 */
final class DeadLettersRoute {
  private final FanOut fanOut;
  private final LocalDeadLetters local;
  private final ObjectMapper mapper;

  DeadLettersRoute(FanOut fanOut, LocalDeadLetters local, ObjectMapper mapper) {
    this.fanOut = fanOut;
    this.local = local;
    this.mapper = mapper;
  }

  void handle(Context ctx) {
    String sagaId = PathParams.name(ctx, "sagaId");
    String what = "The dead letters of saga " + sagaId;
    Function<Set<Integer>, Partial<DeadLetterEntry>> mine =
        partitions -> local.of(sagaId, partitions);
    if (ctx.header(Forwarder.HEADER) != null) {
      Partial<DeadLetterEntry> part = fanOut.localOnly(SagaTopics.DLQ, what, mine);
      ctx.json(body(sagaId, part.items(), Optional.of(part.partitions())));
      return;
    }
    List<Partial<DeadLetterEntry>> parts =
        fanOut.gather(
            SagaTopology.DEAD_LETTER_STORE,
            SagaTopics.DLQ,
            what,
            Forwarder.Read.of(
                ctx,
                "/sagas/" + URLEncoder.encode(sagaId, StandardCharsets.UTF_8) + "/dead-letters"),
            mine,
            body -> parse(sagaId, body));
    List<DeadLetterEntry> merged =
        Partial.merge(
            parts.stream().map(Partial::items).toList(), LocalDeadLetters.ORDER, Integer.MAX_VALUE);
    ctx.json(body(sagaId, merged, Optional.empty()));
  }

  private static Map<String, Object> body(
      String sagaId, List<DeadLetterEntry> items, Optional<Set<Integer>> partitions) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("sagaId", sagaId);
    body.put("items", items.stream().map(DeadLettersRoute::entry).toList());
    partitions.ifPresent(p -> body.put("partitions", p));
    return body;
  }

  /** The dead letter of saga {@code sagaId} that {@link #entry} wrote as {@code e}. */
  static DeadLetterEntry entryOf(String sagaId, JsonNode e) {
    JsonNode size = e.get("originalValueBytes");
    return new DeadLetterEntry(
        sagaId,
        e.get("reason").asText(),
        e.get("detail").asText(),
        e.get("sourceTopic").asText(),
        e.get("sourcePartition").asInt(),
        e.get("sourceOffset").asLong(),
        Instant.parse(e.get("failedAt").asText()),
        e.get("dlqPartition").asInt(),
        e.get("dlqOffset").asLong(),
        size == null || size.isNull() ? Optional.empty() : Optional.of(size.asInt()));
  }

  /** A dead letter as the API answers it, in the order the fields are documented. */
  static Map<String, Object> entry(DeadLetterEntry e) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("reason", e.reason());
    out.put("detail", e.detail());
    out.put("sourceTopic", e.sourceTopic());
    out.put("sourcePartition", e.sourcePartition());
    out.put("sourceOffset", e.sourceOffset());
    out.put("failedAt", e.failedAt().toString());
    out.put("dlqPartition", e.dlqPartition());
    out.put("dlqOffset", e.dlqOffset());
    out.put("originalValueBytes", e.originalValueBytes().orElse(null));
    return out;
  }

  private Partial<DeadLetterEntry> parse(String sagaId, String json) {
    try {
      JsonNode body = mapper.readTree(json);
      List<DeadLetterEntry> items = new ArrayList<>();
      for (JsonNode e : body.get("items")) {
        items.add(entryOf(sagaId, e));
      }
      return new Partial<>(SearchRoute.partitions(body), items);
    } catch (IOException e) {
      throw new UncheckedIOException("Another instance answered dead letters with invalid JSON", e);
    }
  }
}
