package io.sagaflow.app;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts the packaged {@code sagaflow.jar} the way the README's run command does. */
final class SagaflowJar {
  static final Path JAR = Path.of("target", "sagaflow.jar");

  /** The example plugin jars, copied here before the integration tests (see the pom). */
  static final Path EXAMPLE_PLUGINS = Path.of("target", "example-plugins");

  private SagaflowJar() {}

  /**
   * {@code java -jar sagaflow.jar run --plugin-path target/example-plugins ARGS}, as {@code
   * scripts/run} starts it, output and errors on one stream.
   */
  static Process run(String... args) throws IOException {
    return runWithPlugins(EXAMPLE_PLUGINS, args);
  }

  /** {@code java -jar sagaflow.jar run --plugin-path PLUGINS ARGS}. */
  static Process runWithPlugins(Path plugins, String... args) throws IOException {
    return start(List.of(), plugins, args);
  }

  /** {@link #run}, with the JVM's temporary directory at {@code tempDir}. */
  static Process runWithTempDir(Path tempDir, String... args) throws IOException {
    return start(List.of("-Djava.io.tmpdir=" + tempDir), EXAMPLE_PLUGINS, args);
  }

  private static Process start(List<String> jvmOptions, Path plugins, String... args)
      throws IOException {
    List<String> command = new ArrayList<>(List.of(javaBin()));
    command.addAll(jvmOptions);
    command.addAll(List.of("-jar", JAR.toString(), "run", "--plugin-path", plugins.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    // scripts/run asks for text lines; tests that look for " ERROR " read what a user reads there.
    builder.environment().put("SAGA_LOG_FORMAT", "text");
    return builder.start();
  }

  private static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
