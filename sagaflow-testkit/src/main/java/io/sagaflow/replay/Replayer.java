package io.sagaflow.replay;

import io.sagaflow.engine.SagaRegistry;
import io.sagaflow.topology.SagaClassLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Replays fixtures through the saga topology in a TopologyTestDriver and compares the outputs byte
 * for byte. Each replay starts from empty stores and an empty in-memory registry, so fixtures are
 * independent of each other and of the registry they were recorded from.
 */
public final class Replayer {
  private final SagaRegistry sagas;

  /** A replayer for the sagas in {@code sagas} (the definitions under test). */
  public Replayer(SagaRegistry sagas) {
    this.sagas = sagas;
  }

  /**
   * Reads and replays {@code file}.
   *
   * @throws FixtureFormatException if the file is not a valid fixture (file and line in the
   *     message)
   */
  public ReplayResult replay(Path file) {
    Fixture fixture = FixtureFiles.read(file, SagaClassLoader.of(sagas));
    try {
      return replay(fixture);
    } catch (FixtureFormatException e) {
      throw e.in(file, FixtureFiles.lineOf(text(file), e.pointer()));
    }
  }

  /** Replays {@code fixture}; its expected outputs are compared, never trusted. */
  public ReplayResult replay(Fixture fixture) {
    checkSagaIsRegistered(fixture);
    List<List<CapturedRecord>> actual = new ArrayList<>();
    List<Mismatch> mismatches = new ArrayList<>();
    try (ReplaySession session =
        new ReplaySession(sagas, fixture.wallClockStart(), fixture.punctuationInterval())) {
      OutputComparison comparison = new OutputComparison(session.codec());
      for (int i = 0; i < fixture.steps().size(); i++) {
        FixtureStep step = fixture.steps().get(i);
        List<CapturedRecord> outputs = session.run(step, "/steps/" + i);
        actual.add(outputs);
        mismatches.addAll(comparison.compare(i, step.outputs(), outputs));
      }
    }
    return new ReplayResult(fixture, actual, mismatches);
  }

  private void checkSagaIsRegistered(Fixture fixture) {
    if (fixture.sagaType().isEmpty()) {
      return;
    }
    String type = fixture.sagaType().get();
    boolean known =
        fixture
            .definitionVersion()
            .map(v -> sagas.find(type, v).isPresent())
            .orElse(!sagas.versions(type).isEmpty());
    if (!known) {
      throw new FixtureFormatException(
          "/sagaType",
          "saga "
              + type
              + fixture.definitionVersion().map(v -> " v" + v).orElse("")
              + " is not registered with this replayer (registered versions of it: "
              + sagas.versions(type)
              + "); replay with the definitions the fixture was recorded on");
    }
  }

  private static String text(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read fixture " + file, e);
    }
  }
}
