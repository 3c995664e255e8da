package io.sagaflow.app.modules;

import io.sagaflow.embedded.TempDirs;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.apache.avro.Schema;
import org.apache.avro.compiler.specific.SpecificCompiler;
import org.apache.avro.generic.GenericData;

/**
 * Builds a saga module jar at test time from a fixture project under {@code
 * src/test/resources/plugin-fixture/NAME}: {@code avro/*.avsc} turned into Java the way the Avro
 * Maven plugin does, {@code java/} compiled against this test's class path (Sagaflow's library),
 * and {@code resources/} copied. Like a user's build, the jar holds only the module's own classes.
 */
public final class PluginJars {
  private static final Path FIXTURES = Path.of("src", "test", "resources", "plugin-fixture");

  private PluginJars() {}

  /** The jar of fixture {@code name}, written to {@code out}. */
  public static Path build(String name, Path out) {
    return build(name, out, Map.of());
  }

  /**
   * The jar of fixture {@code name} with each key of {@code edits} in its Java sources replaced by
   * the value first, so a test can build a broken variant of a valid module.
   */
  public static Path build(String name, Path out, Map<String, String> edits) {
    Path project = FIXTURES.resolve(name);
    try {
      Path work = Files.createTempDirectory("plugin-" + name);
      try {
        Path sources = work.resolve("src");
        Path classes = work.resolve("classes");
        generateAvro(project.resolve("avro"), sources);
        copyEdited(project.resolve("java"), sources, edits);
        compile(sources, classes);
        copyTree(project.resolve("resources"), classes);
        jar(classes, out);
        return out;
      } finally {
        TempDirs.delete(work);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot build plugin " + name, e);
    }
  }

  private static void generateAvro(Path avro, Path sources) throws IOException {
    Schema.Parser parser = new Schema.Parser();
    for (Path file : files(avro, ".avsc")) {
      SpecificCompiler compiler = new SpecificCompiler(parser.parse(file.toFile()));
      compiler.setStringType(GenericData.StringType.String);
      compiler.setEnableDecimalLogicalType(true);
      compiler.compileToDestination(file.toFile(), sources.toFile());
    }
  }

  private static void copyEdited(Path from, Path to, Map<String, String> edits) throws IOException {
    for (Path file : files(from, ".java")) {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      for (Map.Entry<String, String> edit : edits.entrySet()) {
        text = text.replace(edit.getKey(), edit.getValue());
      }
      Path target = to.resolve(from.relativize(file).toString());
      Files.createDirectories(target.getParent());
      Files.writeString(target, text, StandardCharsets.UTF_8);
    }
  }

  private static void compile(Path sources, Path classes) throws IOException {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    List<String> args =
        new ArrayList<>(
            List.of(
                "--release",
                "17",
                "-proc:none",
                "-nowarn",
                "-classpath",
                System.getProperty("java.class.path"),
                "-d",
                classes.toString()));
    files(sources, ".java").forEach(f -> args.add(f.toString()));
    int exit = javac.run(null, null, System.err, args.toArray(String[]::new));
    if (exit != 0) {
      throw new IllegalStateException("javac failed (exit " + exit + ") for " + sources);
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    for (Path file : files(from, "")) {
      Path target = to.resolve(from.relativize(file).toString());
      Files.createDirectories(target.getParent());
      Files.copy(file, target);
    }
  }

  private static void jar(Path classes, Path out) throws IOException {
    Files.createDirectories(out.toAbsolutePath().getParent());
    try (OutputStream file = Files.newOutputStream(out);
        JarOutputStream jar = new JarOutputStream(file)) {
      for (Path entry : files(classes, "")) {
        jar.putNextEntry(new JarEntry(classes.relativize(entry).toString().replace('\\', '/')));
        Files.copy(entry, jar);
        jar.closeEntry();
      }
    }
  }

  private static List<Path> files(Path dir, String suffix) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(Files::isRegularFile)
          .filter(f -> f.toString().endsWith(suffix))
          .sorted()
          .toList();
    }
  }
}
