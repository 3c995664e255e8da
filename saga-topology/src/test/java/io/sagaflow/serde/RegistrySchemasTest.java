package io.sagaflow.serde;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.junit.jupiter.api.Test;

/**
 * The registered form of a schema is its .avsc file's: what an operator registers from the files
 * and what the serializers look up must be one schema to a registry that compares texts.
 */
class RegistrySchemasTest {
  private static final Path CORE = Path.of("..", "schemas", "avro");
  private static final Path ORDER =
      Path.of("..", "examples", "order-fulfilment", "src", "main", "avro");

  @Test
  void shouldGiveEveryCoreGeneratedClassTheSchemaOfItsAvscFile() throws Exception {
    List<Path> files = avsc(CORE);
    assertThat(files).hasSizeGreaterThanOrEqualTo(7);
    for (Path file : files) {
      // Given the schema as an operator registers it, straight from the file
      Schema fromFile = new Schema.Parser().parse(Files.readString(file));
      Schema generated = generated(fromFile.getFullName());

      // Then the generated class's schema differs from it only by Java's properties
      assertThat(generated.toString()).as(file.toString()).contains("avro.java.string");
      assertThat(generated).as(file.toString()).isNotEqualTo(fromFile);
      assertThat(RegistrySchemas.normalised(generated)).as(file.toString()).isEqualTo(fromFile);
      assertThat(RegistrySchemas.normalised(generated).toString()).isEqualTo(fromFile.toString());
    }
  }

  @Test
  void shouldGiveTheExampleRecordsTheSchemasOfTheirFilesWithSharedTypesInlined() throws Exception {
    Schema.Parser parser = new Schema.Parser();
    for (Path common : avsc(ORDER.resolve("common"))) {
      parser.parse(Files.readString(common));
    }
    for (Path file : avsc(ORDER)) {
      Schema fromFile = parser.parse(Files.readString(file));
      assertThat(RegistrySchemas.normalised(generated(fromFile.getFullName())))
          .as(file.toString())
          .isEqualTo(fromFile);
    }
  }

  @Test
  void shouldStripJavaPropertiesInsideArraysMapsUnionsAndNestedRecordsButNotFromDefaults() {
    Schema schema =
        new Schema.Parser()
            .parse(
                """
                {"type": "record", "name": "Outer", "namespace": "t", "fields": [
                  {"name": "names", "type": {"type": "array",
                     "items": {"type": "string", "avro.java.string": "String"}}},
                  {"name": "tags", "type": {"type": "map", "java-key-class": "java.lang.String",
                     "values": {"type": "string", "avro.java.string": "String"}},
                   "default": {"avro.java.string": "kept"}},
                  {"name": "maybe", "type": ["null", {"type": "string", "avro.java.string": "String"}],
                   "default": null},
                  {"name": "inner", "type": {"type": "record", "name": "Inner", "fields": [
                     {"name": "id", "type": {"type": "string", "avro.java.string": "String"},
                      "pii": true}]}},
                  {"name": "again", "type": "Inner"}
                ]}
                """);

    Schema normalised = RegistrySchemas.normalised(schema);

    assertThat(normalised.getField("names").schema().getElementType().getProp("avro.java.string"))
        .isNull();
    assertThat(normalised.getField("tags").schema().getValueType().getProp("avro.java.string"))
        .isNull();
    assertThat(normalised.getField("tags").schema().getProp("java-key-class")).isNull();
    assertThat(normalised.getField("tags").defaultVal())
        .isEqualTo(java.util.Map.of("avro.java.string", "kept"));
    assertThat(normalised.getField("maybe").schema().getTypes().get(1).getProp("avro.java.string"))
        .isNull();
    Schema.Field id = normalised.getField("inner").schema().getField("id");
    assertThat(id.schema().getProp("avro.java.string")).isNull();
    assertThat(id.getObjectProp("pii")).isEqualTo(true);
    assertThat(normalised.getField("again").schema())
        .isSameAs(normalised.getField("inner").schema());
  }

  @Test
  void shouldLeaveASchemaWithoutJavaPropertiesAsItIs() {
    Schema plain =
        new Schema.Parser()
            .parse(
                "{\"type\":\"record\",\"name\":\"P\",\"fields\":[{\"name\":\"s\",\"type\":\"string\"}]}");

    assertThat(RegistrySchemas.normalised(plain)).isSameAs(plain);
  }

  private static Schema generated(String fullName) throws ClassNotFoundException {
    return SpecificData.get().getSchema(Class.forName(fullName));
  }

  private static List<Path> avsc(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.toString().endsWith(".avsc")).sorted().toList();
    }
  }
}
