package io.sagaflow.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every fixture under {@code fixtures/} replays byte for byte; broken ones fail readably. */
class FixtureReplayTest {
  private final Replayer replayer = new Replayer(ScenarioScript.SAGAS);

  static List<Path> fixtures() throws IOException {
    try (Stream<Path> files = Files.list(FixtureScenarios.directory())) {
      return files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
    }
  }

  @Test
  void shouldFindAFixtureForEveryScriptedScenario() throws IOException {
    assertThat(fixtures())
        .extracting(f -> f.getFileName().toString())
        .containsAll(FixtureScenarios.all().stream().map(s -> s.name() + ".json").toList());
  }

  @ParameterizedTest
  @MethodSource("fixtures")
  void shouldReplayFixtureByteForByte(Path file) {
    ReplayResult result = replayer.replay(file);

    assertThat(result.mismatches()).as(result.report()).isEmpty();
    assertThat(result.actual().stream().mapToInt(List::size).sum())
        .as("a fixture without outputs could not fail")
        .isPositive();
  }

  @Test
  void shouldFailWithReadableDiffWhenAnExpectedOutputIsTampered(@TempDir Path dir)
      throws IOException {
    // Given the happy path with the amount of the last command that carries one changed (the
    // first occurrence is the start request's input, which the replay would follow)
    Path file = copyWithLast(dir, "happy-path", "\"amount\" : \"42.50\"", "\"amount\" : \"42.51\"");

    // When it is replayed
    ReplayResult result = replayer.replay(file);

    // Then it fails, naming the step, the output and the field
    assertThat(result.passed()).isFalse();
    assertThat(result.report())
        .startsWith("FAIL happy-path: 1 mismatch")
        .contains(
            "(payment.commands):\n    value.value.amount: expected \"42.51\", actual \"42.50\"");
  }

  @Test
  void shouldFailWhenAHeaderDiffers(@TempDir Path dir) throws IOException {
    Path file = copyWith(dir, "happy-path", "\"utf8\" : \"ACTION\"", "\"utf8\" : \"ACTON\"");

    ReplayResult result = replayer.replay(file);

    assertThat(result.report()).contains("expected saga_kind=ACTON, actual saga_kind=ACTION");
  }

  @Test
  void shouldReportFileLineAndReasonForAnUnknownAvroField(@TempDir Path dir) throws IOException {
    Path file = copyWith(dir, "happy-path", "\"currency\" : \"EUR\"", "\"currencyy\" : \"EUR\"");
    int line = lineOf(file, "\"currencyy\"");

    assertThatThrownBy(() -> replayer.replay(file))
        .isInstanceOf(FixtureFormatException.class)
        .hasMessageStartingWith(file + ":" + line + " (at /steps/")
        .hasMessageContaining("unknown field 'currencyy'");
  }

  @Test
  void shouldReportFileAndLineForInvalidJson(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("broken.json");
    Files.writeString(file, "{\n  \"format\": \"sagaflow-fixture/1\",\n  \"name\": \n}\n");

    assertThatThrownBy(() -> FixtureFiles.read(file))
        .isInstanceOf(FixtureFormatException.class)
        .hasMessageStartingWith(file + ":4")
        .hasMessageContaining("not valid JSON");
  }

  @Test
  void shouldRejectAnInputOnATopicTheTopologyDoesNotRead(@TempDir Path dir) throws IOException {
    Path file =
        copyWith(
            dir, "happy-path", "\"topic\" : \"saga.requests\"", "\"topic\" : \"saga.request\"");

    assertThatThrownBy(() -> replayer.replay(file))
        .isInstanceOf(FixtureFormatException.class)
        .hasMessageContaining("(at /steps/0/input/topic)")
        .hasMessageContaining("'saga.request' is not an input of the saga topology");
  }

  private static Path copyWith(Path dir, String name, String from, String to) throws IOException {
    String text =
        Files.readString(
            FixtureScenarios.directory().resolve(name + ".json"), StandardCharsets.UTF_8);
    assertThat(text).contains(from);
    Path file = dir.resolve(name + ".json");
    Files.writeString(file, text.replaceFirst(java.util.regex.Pattern.quote(from), to));
    return file;
  }

  private static Path copyWithLast(Path dir, String name, String from, String to)
      throws IOException {
    String text =
        Files.readString(
            FixtureScenarios.directory().resolve(name + ".json"), StandardCharsets.UTF_8);
    int at = text.lastIndexOf(from);
    assertThat(at).isNotNegative();
    Path file = dir.resolve(name + ".json");
    Files.writeString(file, text.substring(0, at) + to + text.substring(at + from.length()));
    return file;
  }

  private static int lineOf(Path file, String text) throws IOException {
    List<String> lines = Files.readAllLines(file);
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains(text)) {
        return i + 1;
      }
    }
    throw new AssertionError(text + " not in " + file);
  }
}
