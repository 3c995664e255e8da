package io.sagaflow.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The short chaos run as part of the build, so every CI run kills processors and the broker and has
 * the verifier read the committed record: {@code scripts/chaos}'s default run (5 processor kills, 1
 * broker restart, 1 participant kill, 2 processors) on the packaged {@code sagaflow.jar} and the
 * example plugins the reactor built before this module. The runner is a process of its own, as
 * {@code scripts/chaos} starts it; its whole output is in this test's report and its parts' logs
 * under {@code saga-chaos/target/chaos-it/}.
 */
class ChaosShortIT {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  @Test
  void shortChaosRunPasses() throws IOException, InterruptedException {
    Path jar = ROOT.resolve("saga-app/target/sagaflow.jar");
    assertThat(jar).as("the packaged runtime (mvn package -pl saga-app first)").isRegularFile();
    Path work =
        Path.of("target", "chaos-it")
            .resolve(
                LocalDateTime.now(ZoneOffset.UTC)
                    .format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT)))
            .toAbsolutePath();
    Path plugins = examplePlugins(work.resolve("plugins"));

    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of("-Xmx512m", "-cp", runnerClassPath(), ChaosRunner.class.getName()));
    command.addAll(
        List.of(
            "--seed",
            "42",
            "--jar",
            jar.toString(),
            "--plugin-path",
            plugins.toString(),
            "--work",
            work.resolve("run").toString()));
    Path output = work.resolve("runner-output.txt");
    Process runner =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();
    boolean finished = runner.waitFor(20, TimeUnit.MINUTES);
    if (!finished) {
      runner.destroyForcibly();
    }
    String printed = Files.readString(output, StandardCharsets.UTF_8);
    System.out.println(printed);

    assertThat(finished).as("the chaos run finished within 20 min:%n%s", printed).isTrue();
    assertThat(runner.exitValue()).as("the chaos run's exit code:%n%s", printed).isZero();
    assertThat(printed)
        .contains("faults: processor kills 5 | broker restarts 1")
        .contains("duplicate ids 0")
        .contains("lost 0")
        .contains("PASSED");
  }

  /** The example saga modules as plugin jars, as {@code scripts/lib/common.sh} lays them out. */
  private static Path examplePlugins(Path dir) throws IOException {
    Files.createDirectories(dir);
    for (String example : List.of("order-fulfilment", "money-transfer")) {
      Path target = ROOT.resolve("examples").resolve(example).resolve("target");
      Path built;
      try (Stream<Path> jars = Files.list(target)) {
        built =
            jars.filter(
                    p -> {
                      String name = p.getFileName().toString();
                      return name.startsWith("example-")
                          && name.endsWith(".jar")
                          && !name.endsWith("-sources.jar")
                          && !name.endsWith("-tests.jar");
                    })
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no example jar in " + target));
      }
      Files.copy(built, dir.resolve(built.getFileName()));
    }
    return dir;
  }

  /** This module's classes and its runtime class path, as the package phase wrote it. */
  private static String runnerClassPath() throws IOException {
    Path classPath = Path.of("target", "classpath.txt");
    assertThat(classPath).as("written by the package phase").isRegularFile();
    return Path.of("target", "classes").toAbsolutePath()
        + java.io.File.pathSeparator
        + Files.readString(classPath, StandardCharsets.UTF_8).trim();
  }
}
