package io.sagaflow.replay;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.filter.FilteringParserDelegate;
import com.fasterxml.jackson.core.filter.JsonPointerBasedFilter;
import com.fasterxml.jackson.core.filter.TokenFilter;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sagaflow.serde.InMemorySchemaRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reads and writes fixture files. Reading checks the whole document, Avro values included, and
 * reports the first problem with the file, line and JSON location, so a hand-edited fixture fails
 * at load time with a sentence rather than during the replay with a stack trace.
 */
public final class FixtureFiles {
  private static final ObjectMapper JSON = new ObjectMapper();

  private FixtureFiles() {}

  /**
   * The fixture in {@code file}.
   *
   * @throws FixtureFormatException if the file is not a valid fixture (file, line and reason in the
   *     message)
   * @throws UncheckedIOException if it cannot be read
   */
  public static Fixture read(Path file) {
    return read(file, FixtureFiles.class.getClassLoader());
  }

  /**
   * The fixture in {@code file}, its records' generated classes found through {@code classes} (for
   * sagas loaded as plugins: {@link io.sagaflow.topology.SagaClassLoader#of}).
   *
   * @throws FixtureFormatException if the file is not a valid fixture (file, line and reason in the
   *     message)
   * @throws UncheckedIOException if it cannot be read
   */
  public static Fixture read(Path file, ClassLoader classes) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read fixture " + file + ": " + e.getMessage(), e);
    }
    JsonNode root;
    try {
      root = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new FixtureFormatException("", "not valid JSON: " + e.getOriginalMessage())
          .in(file, Optional.of(e.getLocation().getLineNr()));
    }
    try {
      Fixture fixture = FixtureJson.fromJson(root);
      checkValues(fixture, classes);
      return fixture;
    } catch (FixtureFormatException e) {
      throw e.in(file, lineOf(text, e.pointer()));
    }
  }

  /** Writes {@code fixture} to {@code file} as indented JSON, replacing it. */
  public static void write(Fixture fixture, Path file) {
    try {
      Files.writeString(file, toText(fixture), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write fixture " + file + ": " + e.getMessage(), e);
    }
  }

  /** The file text of {@code fixture}: two-space indented JSON, one field per line. */
  public static String toText(Fixture fixture) {
    DefaultPrettyPrinter printer =
        new DefaultPrettyPrinter().withArrayIndenter(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE);
    try {
      return JSON.writer(printer).writeValueAsString(FixtureJson.toJson(fixture)).replace("\r", "")
          + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("A JSON tree could not be written", e);
    }
  }

  // Encodes every Avro payload once, so a value that does not fit its schema is reported here.
  private static void checkValues(Fixture fixture, ClassLoader classes) {
    PayloadCodec codec = new PayloadCodec(new InMemorySchemaRegistry(), classes);
    for (int i = 0; i < fixture.steps().size(); i++) {
      FixtureStep step = fixture.steps().get(i);
      String at = "/steps/" + i;
      step.input().ifPresent(input -> codec.encode(input.value(), at + "/input/value"));
      for (int o = 0; o < step.outputs().size(); o++) {
        codec.encode(step.outputs().get(o).value(), at + "/outputs/" + o + "/value");
      }
    }
  }

  /** The line where the value at {@code pointer} starts, if the text has one. */
  static Optional<Integer> lineOf(String text, String pointer) {
    if (pointer.isEmpty()) {
      return Optional.of(1);
    }
    TokenFilter filter = new JsonPointerBasedFilter(JsonPointer.compile(pointer));
    try (JsonParser parser =
        new FilteringParserDelegate(
            JSON.createParser(text), filter, TokenFilter.Inclusion.ONLY_INCLUDE_ALL, false)) {
      return parser.nextToken() == null
          ? parentLine(text, pointer)
          : Optional.of(parser.currentTokenLocation().getLineNr());
    } catch (IOException e) {
      // The text parsed once already; a second failure leaves the line unknown, not the error.
      return Optional.empty();
    }
  }

  private static Optional<Integer> parentLine(String text, String pointer) {
    int slash = pointer.lastIndexOf('/');
    return slash <= 0 ? Optional.of(1) : lineOf(text, pointer.substring(0, slash));
  }
}
