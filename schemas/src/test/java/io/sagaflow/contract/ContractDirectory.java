package io.sagaflow.contract;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.Schema;

/**
 * Reads a directory laid out like {@code schemas/avro}: shared named types in {@code common/}, one
 * top-level schema per {@code *.avsc}. Parsing mirrors the avro-maven-plugin's {@code imports}, so
 * the gate sees exactly what the build generates from.
 */
final class ContractDirectory {

  /**
   * The module's contract sources; surefire runs with the module directory as working directory.
   */
  static final Path CURRENT = Path.of("avro");

  static final Path RELEASED = CURRENT.resolve("released");

  private ContractDirectory() {}

  /** Top-level schemas and the shared types, by full name, each with the shared types resolved. */
  static Map<String, Schema> load(Path directory) {
    List<Path> common = avscFiles(directory.resolve("common"));
    Map<String, Schema> byName = new LinkedHashMap<>();
    Schema.Parser commonParser = new Schema.Parser();
    for (Path file : common) {
      Schema schema = parse(commonParser, file);
      byName.put(schema.getFullName(), schema);
    }
    for (Path file : avscFiles(directory)) {
      Schema.Parser parser = new Schema.Parser();
      common.forEach(shared -> parse(parser, shared));
      Schema schema = parse(parser, file);
      byName.put(schema.getFullName(), schema);
    }
    return byName;
  }

  private static Schema parse(Schema.Parser parser, Path file) {
    try {
      return parser.parse(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file.toAbsolutePath(), e);
    }
  }

  private static List<Path> avscFiles(Path directory) {
    if (!Files.isDirectory(directory)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(directory)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".avsc")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list " + directory.toAbsolutePath(), e);
    }
  }
}
