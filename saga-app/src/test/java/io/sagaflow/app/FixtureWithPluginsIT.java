package io.sagaflow.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code sagaflow fixture replay} in the packaged jar, which holds no saga type: the order
 * example's checked-in fixtures replay byte for byte once its plugin jar is named, and without it
 * the replay says which saga type is missing.
 */
class FixtureWithPluginsIT {
  private static final Path FIXTURES = Path.of("..", "fixtures");

  @Test
  void shouldReplayTheOrderFixturesWithTheOrderPlugin() throws Exception {
    List<String> args =
        new ArrayList<>(List.of("replay", "--plugin-path", SagaflowJar.EXAMPLE_PLUGINS.toString()));
    List<String> names = new ArrayList<>();
    try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(FIXTURES)) {
      files
          .filter(f -> f.toString().endsWith(".json"))
          .sorted()
          .forEach(
              f -> {
                args.add(f.toString());
                names.add(f.getFileName().toString().replace(".json", ""));
              });
    }

    Result replayed = fixture(args.toArray(String[]::new));

    // Nested records (the order's address and lines) included: decoded through the plugin
    assertThat(names).hasSizeGreaterThanOrEqualTo(7).contains("happy-path", "payment-declined");
    assertThat(replayed.exit()).as(replayed.output()).isZero();
    names.forEach(name -> assertThat(replayed.output()).contains("PASS " + name));
  }

  @Test
  void shouldSayWhichSagaTypeIsMissingWithoutThePlugin() throws Exception {
    Result replayed = fixture("replay", FIXTURES.resolve("happy-path.json").toString());

    assertThat(replayed.exit()).as(replayed.output()).isNotZero();
    assertThat(replayed.output()).contains("No saga module found");
  }

  private static Result fixture(String... args) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                SagaflowJar.JAR.toString(),
                "fixture"));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    // Only what the test names: a developer's own SAGA_PLUGIN_PATH must not change the outcome.
    builder.environment().remove("SAGA_PLUGIN_PATH");
    Process process = builder.start();
    OutputCollector output = new OutputCollector(process.getInputStream());
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
    output.join();
    return new Result(process.exitValue(), output.text());
  }

  private record Result(int exit, String output) {}
}
