package io.sagaflow.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Ids are replayed and deduplicated on: they must be exactly the JDK's name-based UUIDs. */
class IdsTest {

  @Test
  void nameBasedIsTheJdksVersion3UuidForAnyName() {
    Random random = new Random(3);
    for (int i = 0; i < 5000; i++) {
      byte[] name = new byte[random.nextInt(200)];
      random.nextBytes(name);
      assertThat(Ids.nameBased(name)).isEqualTo(UUID.nameUUIDFromBytes(name));
    }
    UUID id = Ids.nameBased("sagaflow".getBytes(StandardCharsets.UTF_8));
    assertThat(id.version()).isEqualTo(3);
    assertThat(id.variant()).isEqualTo(2);
  }

  @Test
  void commandAndTimerIdsKeepTheirCanonicalNames() {
    // The ids already stored and sent must not change: spelled out from the canonical encoding.
    assertThat(Ids.commandId("s-1", "reserve", 2, CommandKind.ACTION))
        .isEqualTo(
            UUID.nameUUIDFromBytes(
                "sagaflow|7:command|3:s-1|7:reserve|1:2|6:ACTION"
                    .getBytes(StandardCharsets.UTF_8)));
    assertThat(Ids.timerId("s-1", TimerKind.STEP_TIMEOUT, Optional.empty(), 1))
        .isEqualTo(
            UUID.nameUUIDFromBytes(
                "sagaflow|5:timer|3:s-1|0:|1:1|12:STEP_TIMEOUT".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void commandAndTimerIdsHashTheCanonicalNameWhateverCharactersTheNamesHold() {
    // ASCII, accented and CJK letters, an emoji (a surrogate pair), a lone surrogate (which UTF-8
    // encodes as '?'), separators inside names, empty names, long names
    Random random = new Random(11);
    String[] alphabet = {"a", "Z", "7", "-", "|", ":", "é", "漢", "😀", "\ud800", " "};
    for (int i = 0; i < 3000; i++) {
      String sagaId = randomName(random, alphabet, 1 + random.nextInt(60));
      String step = randomName(random, alphabet, random.nextInt(200));
      int attempt = random.nextInt(Integer.MAX_VALUE);
      String canonical =
          "sagaflow|7:command|"
              + sagaId.length()
              + ":"
              + sagaId
              + "|"
              + step.length()
              + ":"
              + step
              + "|"
              + Integer.toString(attempt).length()
              + ":"
              + attempt
              + "|12:COMPENSATION";
      assertThat(Ids.commandId(sagaId, step, attempt, CommandKind.COMPENSATION))
          .isEqualTo(UUID.nameUUIDFromBytes(canonical.getBytes(StandardCharsets.UTF_8)));
    }
  }

  @Test
  void eventIdsHashTheJoinedNameTheyAlwaysHashed() {
    // Lifecycle events' ids are in every recorded fixture: they must not change with the encoding.
    Random random = new Random(12);
    String[] alphabet = {"a", "Z", "7", "-", "é", "漢", "😀", "\ud800", "\u0000", " "};
    long[] instants = {0, 1, -1, Long.MAX_VALUE, Long.MIN_VALUE, 1_764_650_000_000L};
    for (int i = 0; i < 3000; i++) {
      String sagaId = randomName(random, alphabet, 1 + random.nextInt(60));
      EventType type = EventType.values()[random.nextInt(EventType.values().length)];
      Optional<String> step =
          random.nextInt(4) == 0
              ? Optional.empty()
              : Optional.of(randomName(random, alphabet, random.nextInt(40)));
      Optional<Integer> attempt =
          random.nextInt(4) == 0
              ? Optional.empty()
              : Optional.of(random.nextInt(10) == 0 ? -random.nextInt(5) : random.nextInt());
      long at =
          random.nextInt(5) == 0
              ? instants[random.nextInt(instants.length)]
              : 1_700_000_000_000L + random.nextInt(1_000_000_000);
      String joined =
          sagaId
              + '\u0000'
              + type
              + '\u0000'
              + step.orElse("")
              + '\u0000'
              + attempt.map(String::valueOf).orElse("")
              + '\u0000'
              + at;
      assertThat(Ids.eventId(sagaId, type.name(), step, attempt, at))
          .as(joined)
          .isEqualTo(UUID.nameUUIDFromBytes(joined.getBytes(StandardCharsets.UTF_8)));
    }
  }

  @Test
  void canonicalBytesAreTheIdsStringForm() {
    Random random = new Random(13);
    List<UUID> ids =
        new ArrayList<>(List.of(new UUID(0, 0), new UUID(-1, -1), new UUID(Long.MIN_VALUE, 1)));
    for (int i = 0; i < 3000; i++) {
      ids.add(new UUID(random.nextLong(), random.nextLong()));
    }
    for (UUID id : ids) {
      assertThat(new String(Ids.canonicalBytes(id), StandardCharsets.US_ASCII))
          .isEqualTo(id.toString());
    }
  }

  private static String randomName(Random random, String[] alphabet, int parts) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < parts; i++) {
      out.append(alphabet[random.nextInt(alphabet.length)]);
    }
    return out.toString();
  }

  @Test
  void threadsHashingAtOnceGetTheirOwnIds() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int seed = t;
        results.add(
            pool.submit(
                () -> {
                  Random random = new Random(seed);
                  for (int i = 0; i < 20_000; i++) {
                    byte[] name = new byte[1 + random.nextInt(64)];
                    random.nextBytes(name);
                    if (!Ids.nameBased(name).equals(UUID.nameUUIDFromBytes(name))) {
                      return false;
                    }
                  }
                  return true;
                }));
      }
      for (Future<Boolean> result : results) {
        assertThat(result.get(60, TimeUnit.SECONDS)).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
