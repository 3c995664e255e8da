package io.sagaflow.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.sagaflow.contract.SagaStateRecord;
import io.sagaflow.engine.SagaStatus;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The finished-saga scan against the plain rule it implements, over random indexes: a saga goes
 * when it is finished and ended before the cutoff, and it stays otherwise; a saga whose end was
 * stamped before its start (a clock behind the starting instance's) goes only once the cutoff has
 * passed its start as well, never earlier.
 */
class FinishedSagaScanTest {
  private static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");
  private static final Duration RETENTION = Duration.ofHours(2);
  private static final Instant CUTOFF = NOW.minus(RETENTION);

  @Property(tries = 300)
  void shouldRemoveExactlyTheFinishedSagasThatEndedBeforeTheCutoff(
      @ForAll("indexes") List<SagaIndex.Entry> entries,
      @ForAll @IntRange(min = 1, max = 8) int budget) {
    TimerStore index = new TimerStore("saga-index");
    entries.forEach(e -> index.put(e.key(), e.value()));
    List<String> deletedStates = new ArrayList<>();
    FinishedSagaScan scan =
        new FinishedSagaScan(
            statesRecordingDeletes(deletedStates),
            index,
            new Retention(RETENTION, Duration.ZERO, Duration.ofSeconds(1), budget),
            new SagaCounters(),
            "0_0");

    // Enough scans for a whole walk, however the budget falls: each visits at least one entry,
    // and a walk visits each entry at most twice (once to jump from it, once after a jump).
    for (int i = 0; i < 2 * entries.size() + 10; i++) {
      scan.scan(NOW.toEpochMilli());
    }

    Set<String> expectedGone = new HashSet<>();
    for (SagaIndex.Entry e : entries) {
      boolean finished = SagaStatus.valueOf(e.status()).isTerminal();
      if (finished && e.statusSince().isBefore(CUTOFF) && !e.createdAt().isAfter(CUTOFF)) {
        expectedGone.add(e.sagaId());
      }
    }
    Set<String> left = new HashSet<>();
    try (KeyValueIterator<Bytes, byte[]> it = index.all()) {
      while (it.hasNext()) {
        KeyValue<Bytes, byte[]> kv = it.next();
        left.add(SagaIndex.decode(kv.key, kv.value).sagaId());
      }
    }
    Set<String> expectedLeft = new HashSet<>();
    entries.stream()
        .map(SagaIndex.Entry::sagaId)
        .filter(id -> !expectedGone.contains(id))
        .forEach(expectedLeft::add);
    assertThat(left).isEqualTo(expectedLeft);
    assertThat(deletedStates).containsExactlyInAnyOrderElementsOf(expectedGone);
  }

  @Provide
  Arbitrary<List<SagaIndex.Entry>> indexes() {
    Arbitrary<String> status = Arbitraries.of(SagaStatus.values()).map(Enum::name);
    Arbitrary<String> type = Arbitraries.of("a", "b", "order-fulfilment");
    // Started up to ten hours ago; ended up to five hours later, or a few minutes before the start
    // (a skewed clock). The retention's cutoff lies two hours back, inside both spans.
    Arbitrary<Integer> startedMinutesAgo = Arbitraries.integers().between(0, 600);
    Arbitrary<Integer> ranMinutes =
        Arbitraries.frequencyOf(
            Tuple.of(9, Arbitraries.integers().between(0, 300)),
            Tuple.of(1, Arbitraries.integers().between(-5, -1)));
    Arbitrary<SagaIndex.Entry> entry =
        Combinators.combine(status, type, startedMinutesAgo, ranMinutes)
            .as(
                (s, t, ago, ran) -> {
                  Instant created = NOW.minus(Duration.ofMinutes(ago));
                  Instant ended = created.plus(Duration.ofMinutes(ran));
                  return new SagaIndex.Entry(s, t, created, "", ended);
                });
    return entry
        .list()
        .ofMaxSize(60)
        .map(
            list -> {
              // Unique ids, as the store keys need them.
              List<SagaIndex.Entry> out = new ArrayList<>();
              for (int i = 0; i < list.size(); i++) {
                SagaIndex.Entry e = list.get(i);
                out.add(
                    new SagaIndex.Entry(
                        e.status(), e.sagaType(), e.createdAt(), "saga-" + i, e.statusSince()));
              }
              return out;
            });
  }

  /** A state store of which the scan only deletes: the deleted keys are recorded. */
  @SuppressWarnings("unchecked")
  private static KeyValueStore<String, SagaStateRecord> statesRecordingDeletes(
      List<String> deleted) {
    return (KeyValueStore<String, SagaStateRecord>)
        Proxy.newProxyInstance(
            FinishedSagaScanTest.class.getClassLoader(),
            new Class<?>[] {KeyValueStore.class},
            (proxy, method, args) -> {
              if (!method.getName().equals("delete")) {
                throw new UnsupportedOperationException(method.getName());
              }
              deleted.add((String) args[0]);
              return null;
            });
  }
}
