package io.sagaflow.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.junit.jupiter.api.Test;

class TimerStoreTest {
  private static Bytes key(int... bytes) {
    byte[] out = new byte[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      out[i] = (byte) bytes[i];
    }
    return Bytes.wrap(out);
  }

  private static List<Bytes> keys(KeyValueIterator<Bytes, byte[]> it) {
    List<Bytes> out = new ArrayList<>();
    try (it) {
      it.forEachRemaining(kv -> out.add(kv.key));
    }
    return out;
  }

  @Test
  void shouldOrderKeysByUnsignedBytesLikeRocksDb() {
    TimerStore store = new TimerStore("t");
    store.put(key(0xFF), new byte[0]);
    store.put(key(0x01, 0x00), new byte[0]);
    store.put(key(0x01), new byte[0]);
    store.put(key(0x80), new byte[0]);

    assertThat(keys(store.all())).containsExactly(key(0x01), key(0x01, 0x00), key(0x80), key(0xFF));
  }

  @Test
  void shouldIncludeBothEndsOfARangeAndAnswerAnInvertedOneWithNothing() {
    TimerStore store = new TimerStore("t");
    for (int i = 1; i <= 5; i++) {
      store.put(key(i), new byte[] {(byte) i});
    }

    assertThat(keys(store.range(key(2), key(4)))).containsExactly(key(2), key(3), key(4));
    assertThat(keys(store.range(key(4), key(2)))).isEmpty();
    assertThat(keys(store.range(key(0), key(0x7F)))).hasSize(5);
  }

  @Test
  void shouldLetTheReaderDeleteWhatItHasReadWhileIterating() {
    TimerStore store = new TimerStore("t");
    for (int i = 1; i <= 5; i++) {
      store.put(key(i), new byte[0]);
    }
    List<Bytes> seen = new ArrayList<>();

    try (KeyValueIterator<Bytes, byte[]> it = store.range(key(1), key(4))) {
      while (it.hasNext()) {
        Bytes k = it.next().key;
        seen.add(k);
        store.delete(k);
      }
    }

    assertThat(seen).containsExactly(key(1), key(2), key(3), key(4));
    assertThat(keys(store.all())).containsExactly(key(5));
    assertThat(store.approximateNumEntries()).isEqualTo(1);
  }

  @Test
  void shouldTreatANullValueAsADeleteAndKeepTheFirstValueOnPutIfAbsent() {
    TimerStore store = new TimerStore("t");
    store.putAll(List.of(KeyValue.pair(key(1), new byte[] {1}), KeyValue.pair(key(2), null)));

    assertThat(store.putIfAbsent(key(1), new byte[] {9})).containsExactly(1);
    assertThat(store.putIfAbsent(key(3), new byte[] {3})).isNull();
    store.put(key(1), null);

    assertThat(keys(store.all())).containsExactly(key(3));
    assertThat(store.get(key(3))).containsExactly(3);
  }

  @Test
  void shouldRefuseACacheOrAChangelog() {
    var builder = TimerStore.builder("t");

    assertThat(builder.loggingEnabled()).isFalse();
    assertThat(builder.withLoggingDisabled().withCachingDisabled().build().name()).isEqualTo("t");
    assertThatThrownBy(builder::withCachingEnabled)
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> builder.withLoggingEnabled(Map.of()))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("rebuilt from saga-state");
  }

  @Property
  void shouldAnswerEveryRangeLikeASortedMapOfTheSameWrites(
      @ForAll("operations") List<int[]> operations) {
    TimerStore store = new TimerStore("t");
    TreeMap<Bytes, byte[]> model = new TreeMap<>();
    for (int[] op : operations) {
      Bytes k = key(op[1], op[2]);
      switch (op[0]) {
        case 0 -> {
          store.put(k, new byte[] {(byte) op[2]});
          model.put(k, new byte[] {(byte) op[2]});
        }
        case 1 -> assertThat(store.delete(k) != null).isEqualTo(model.remove(k) != null);
        default -> {
          Bytes to = key(op[2], op[1]);
          List<Bytes> expected =
              k.compareTo(to) > 0
                  ? List.of()
                  : new ArrayList<>(model.subMap(k, true, to, true).keySet());
          assertThat(keys(store.range(k, to))).isEqualTo(expected);
        }
      }
    }
    assertThat(keys(store.all())).isEqualTo(new ArrayList<>(model.keySet()));
  }

  @Provide
  Arbitrary<List<int[]>> operations() {
    Arbitrary<int[]> op =
        Arbitraries.integers()
            .between(0, 2)
            .flatMap(
                kind ->
                    // Few byte values, so writes collide and deletes hit; both sides of 0x80,
                    // where signed and unsigned orders differ.
                    Arbitraries.of(0, 1, 2, 127, 128, 255)
                        .list()
                        .ofSize(2)
                        .map(b -> new int[] {kind, b.get(0), b.get(1)}));
    return op.list().ofMaxSize(60);
  }
}
