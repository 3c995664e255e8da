package io.sagaflow.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.sagaflow.contract.SagaStateRecord;
import io.sagaflow.topology.SagaTopics;
import io.sagaflow.topology.SagaTopology;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code GET /console/overview}: the console's landing page data, counted over every instance's
 * saga-state partitions. A request with the forwarding header answers this instance's {@link
 * OverviewTally} as it is; the asking instance adds the parts up. Answers are reused for {@link
 * #REUSE}, so a wall of open consoles costs one pass over the store every two seconds.
 */
final class OverviewRoute {
  static final Duration REUSE = Duration.ofSeconds(2);

  private final FanOut fanOut;
  private final StateScan states;
  private final ObjectMapper mapper;
  private final Clock clock;
  private Instant cachedAt = Instant.MIN;
  private Map<String, Object> cached = Map.of();

  OverviewRoute(FanOut fanOut, StateScan states, ObjectMapper mapper, Clock clock) {
    this.fanOut = fanOut;
    this.states = states;
    this.mapper = mapper;
    this.clock = clock;
  }

  void handle(Context ctx) {
    if (!ctx.queryParamMap().isEmpty()) {
      throw ApiProblem.badRequest(
          "GET /console/overview takes no query parameters; got "
              + ctx.queryParamMap().keySet()
              + ".");
    }
    Instant now = clock.instant();
    if (ctx.header(Forwarder.HEADER) != null) {
      ctx.json(fanOut.localOnly(SagaTopics.REQUESTS, "The overview", p -> local(p, now)));
      return;
    }
    ctx.json(answer(ctx, now));
  }

  private synchronized Map<String, Object> answer(Context ctx, Instant now) {
    if (cachedAt.plus(REUSE).isAfter(now)) {
      return cached;
    }
    List<Partial<OverviewTally>> parts =
        fanOut.gather(
            SagaTopology.STATE_STORE,
            SagaTopics.REQUESTS,
            "The overview",
            Forwarder.Read.of(ctx, "/console/overview"),
            p -> new Partial<>(p, List.of(local(p, now).items().get(0))),
            this::parse);
    long first = now.toEpochMilli() / 60_000 - (OverviewTally.MINUTES - 1);
    OverviewTally all =
        OverviewTally.merge(parts.stream().map(p -> p.items().get(0)).toList(), first);
    cached = render(all, now);
    cachedAt = now;
    return cached;
  }

  private Partial<OverviewTally> local(Set<Integer> partitions, Instant now) {
    List<SagaStateRecord> all = new ArrayList<>();
    for (int p : partitions) {
      states.scan(p, all::add);
    }
    return new Partial<>(partitions, List.of(OverviewTally.of(all, now, partitions)));
  }

  private Partial<OverviewTally> parse(String body) {
    try {
      OverviewTally tally =
          mapper.readValue(
              mapper.readTree(body).get("items").get(0).toString(), OverviewTally.class);
      return new Partial<>(tally.partitions(), List.of(tally));
    } catch (IOException e) {
      throw new UncheckedIOException("Another instance answered the overview with invalid JSON", e);
    }
  }

  private static Map<String, Object> render(OverviewTally t, Instant now) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("generatedAt", now.toString());
    Map<String, Map<String, Object>> types = new TreeMap<>();
    t.counts()
        .forEach(
            (key, n) -> {
              String[] k = key.split("\\|", 3);
              Map<String, Object> row =
                  types.computeIfAbsent(
                      k[0] + "|" + k[1],
                      x -> {
                        Map<String, Object> r = new LinkedHashMap<>();
                        r.put("sagaType", k[0]);
                        r.put("version", Integer.parseInt(k[1]));
                        r.put("total", 0L);
                        r.put("counts", new TreeMap<String, Long>());
                        return r;
                      });
              @SuppressWarnings("unchecked")
              Map<String, Long> counts = (Map<String, Long>) row.get("counts");
              counts.put(k[2], n);
              row.put("total", (Long) row.get("total") + n);
            });
    body.put("types", List.copyOf(types.values()));
    Map<String, Map<String, Object>> steps = new TreeMap<>();
    t.steps()
        .forEach(
            (key, n) -> {
              String[] k = key.split("\\|", 4);
              Map<String, Object> row =
                  steps.computeIfAbsent(
                      k[0] + "|" + k[1] + "|" + k[2],
                      x -> {
                        Map<String, Object> r = new LinkedHashMap<>();
                        r.put("sagaType", k[0]);
                        r.put("version", Integer.parseInt(k[1]));
                        r.put("step", k[2]);
                        OverviewTally.MEASURES.forEach(m -> r.put(m, 0L));
                        return r;
                      });
              row.put(k[3], n);
            });
    body.put("steps", List.copyOf(steps.values()));
    Map<String, Object> series = new LinkedHashMap<>();
    List<String> minutes = new ArrayList<>();
    for (int m = 0; m < OverviewTally.MINUTES; m++) {
      minutes.add(Instant.ofEpochMilli((t.firstMinute() + m) * 60_000).toString());
    }
    series.put("minutes", minutes);
    for (String measure : OverviewTally.SERIES) {
      List<Long> values = new ArrayList<>();
      for (int m = 0; m < OverviewTally.MINUTES; m++) {
        values.add(t.series().getOrDefault(measure + "|" + m, 0L));
      }
      series.put(measure, values);
    }
    List<Long> p50 = new ArrayList<>();
    List<Long> p99 = new ArrayList<>();
    for (int m = 0; m < OverviewTally.MINUTES; m++) {
      long a = t.latencyQuantile(m, 0.5);
      long b = t.latencyQuantile(m, 0.99);
      p50.add(a < 0 ? null : a);
      p99.add(b < 0 ? null : b);
    }
    series.put("stepLatencyP50Ms", p50);
    series.put("stepLatencyP99Ms", p99);
    body.put("series", series);
    body.put("oldestRunning", t.running().stream().map(OverviewRoute::oldest).toList());
    body.put("oldestStuck", t.stuck().stream().map(OverviewRoute::oldest).toList());
    return body;
  }

  private static Map<String, Object> oldest(OverviewTally.Oldest o) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("sagaId", o.sagaId());
    out.put("sagaType", o.sagaType());
    out.put("status", o.status());
    out.put("createdAt", Instant.ofEpochMilli(o.createdAtMillis()).toString());
    out.put("statusSince", Instant.ofEpochMilli(o.sinceMillis()).toString());
    out.put("statusUrl", "/sagas/" + o.sagaId());
    return out;
  }
}
