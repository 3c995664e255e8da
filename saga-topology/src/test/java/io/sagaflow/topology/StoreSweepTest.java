package io.sagaflow.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;

/** The budgeted walk over key ranges, with and without jumps. */
class StoreSweepTest {
  private static Bytes key(int... bytes) {
    byte[] out = new byte[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      out[i] = (byte) bytes[i];
    }
    return Bytes.wrap(out);
  }

  private static TimerStore storeOf(Bytes... keys) {
    TimerStore store = new TimerStore("swept");
    for (Bytes k : keys) {
      store.put(k, new byte[0]);
    }
    return store;
  }

  private static List<Bytes> keys(List<KeyValue<Bytes, byte[]>> picked) {
    List<Bytes> out = new ArrayList<>();
    picked.forEach(kv -> out.add(kv.key));
    return out;
  }

  @Test
  void shouldJumpWhereTheSkipSaysAndCountTheJumpAgainstTheBudget() {
    // Given keys 1 to 8 in one range, and a skip that jumps from 2 to 7
    TimerStore store = storeOf(key(1), key(2), key(3), key(4), key(5), key(6), key(7), key(8));
    StoreSweep sweep =
        new StoreSweep(store, List.of(new StoreSweep.Range(key(0), Optional.of(key(0x7F)))));
    StoreSweep.Skip skip = (k, v) -> k.equals(key(2)) ? Optional.of(key(7)) : Optional.empty();

    // When one walk of budget 3 runs, it visits 1, 2 (the jump) and 7
    assertThat(keys(sweep.next(3, skip, (k, v) -> true))).containsExactly(key(1), key(7));

    // Then the next walk goes on after 7 and ends with the range, and the one after that starts
    // again at its beginning
    assertThat(keys(sweep.next(2, skip, (k, v) -> true))).containsExactly(key(8));
    assertThat(keys(sweep.next(1, skip, (k, v) -> true))).containsExactly(key(1));
  }

  @Test
  void shouldEndARangeWhenAJumpLandsPastItsEndAndGoOnWithTheNext() {
    // Given two ranges, and a skip that jumps from the first range's first key past its end
    TimerStore store = storeOf(key(1), key(2), key(3), key(0x41), key(0x42));
    StoreSweep sweep =
        new StoreSweep(
            store,
            List.of(
                new StoreSweep.Range(key(0), Optional.of(key(0x10))),
                new StoreSweep.Range(key(0x40), Optional.of(key(0x50)))));
    StoreSweep.Skip skip = (k, v) -> k.equals(key(1)) ? Optional.of(key(0x20)) : Optional.empty();

    // When a walk with budget to spare runs
    List<Bytes> picked = keys(sweep.next(10, skip, (k, v) -> true));

    // Then 2 and 3 are skipped, and the second range is walked in the same walk
    assertThat(picked).containsExactly(key(0x41), key(0x42));
  }

  @Test
  void shouldIgnoreAJumpThatDoesNotMoveForward() {
    TimerStore store = storeOf(key(1), key(2), key(3));
    StoreSweep sweep =
        new StoreSweep(store, List.of(new StoreSweep.Range(key(0), Optional.empty())));
    StoreSweep.Skip backwards = (k, v) -> Optional.of(k);

    assertThat(keys(sweep.next(3, backwards, (k, v) -> true)))
        .containsExactly(key(1), key(2), key(3));
  }
}
